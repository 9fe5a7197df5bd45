/** What a task node says besides its family: its parameters, shortened. */

/** Longest label, in characters (the node is a fixed width). */
export const LABEL_MAX = 32;

/**
 * `key=value` pairs of the task's stored params JSON, in key order, cut at
 * {@link LABEL_MAX} characters with an ellipsis. The text is shown as text
 * (never as markup) by the client, whatever it holds.
 */
export function taskLabel(paramsJson: string): string {
  let params: unknown;
  try {
    params = JSON.parse(paramsJson);
  } catch {
    return shorten(paramsJson);
  }
  if (params === null || typeof params !== "object" || Array.isArray(params)) {
    return shorten(JSON.stringify(params) ?? "");
  }
  const parts = Object.keys(params).sort().map((key) => {
    const value = (params as Record<string, unknown>)[key];
    return `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`;
  });
  return shorten(parts.join(" "));
}

function shorten(text: string): string {
  return text.length <= LABEL_MAX ? text : `${text.slice(0, LABEL_MAX - 1)}…`;
}
