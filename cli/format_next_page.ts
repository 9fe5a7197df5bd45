/** The last line of a listing that has more pages: the command that shows the next one. */

/**
 * `More: drover runs --state failed --cursor 'c 2'`: `command` with the
 * options that were set and `--cursor next`, each value quoted for a POSIX
 * shell when it needs to be.
 */
export function formatNextPage(
  command: string,
  options: Readonly<Record<string, string | number | null>>,
  next: string,
): string {
  const words = ["drover", command];
  for (const [name, value] of Object.entries({ ...options, cursor: next })) {
    if (value !== null) words.push(`--${name}`, shellQuote(String(value)));
  }
  return `More: ${words.join(" ")}`;
}

/** `abc` as is, `it's` as `'it'\''s'`. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_.,:=@%+\/-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
