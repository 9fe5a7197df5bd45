/// <reference lib="dom" />
/**
 * Calls to the hub's API from a page: same-origin, the session cookie sent
 * by the browser, the page's csrf token in `X-Drover-CSRF`, and problem+json
 * errors turned into an `ApiError` whose message is the hub's own.
 */

/** A refused or failed API call. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The csrf token the page was rendered with. */
export function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="drover-csrf"]')?.content ?? "";
}

/** Sends a request to the API; resolves with the JSON answer (null when empty). */
export async function api(method: string, url: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { "X-Drover-CSRF": csrfToken() };
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, "network", `The hub did not answer: ${(error as Error).message}`);
  }
  const text = await response.text();
  const json = text ? parseJson(text) : null;
  if (!response.ok) {
    const p = (json ?? {}) as { code?: unknown; detail?: unknown; field?: unknown };
    throw new ApiError(
      response.status,
      typeof p.code === "string" ? p.code : "http_" + response.status,
      typeof p.detail === "string" ? p.detail : `${response.status} ${response.statusText}`,
      typeof p.field === "string" ? p.field : undefined,
    );
  }
  return json;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
