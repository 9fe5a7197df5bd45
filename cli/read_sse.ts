/**
 * Reads a Server-Sent Events body into events, as the WHATWG rules say:
 * `field: value` lines, `data` lines joined by newlines, comments and
 * unknown fields ignored, an event dispatched at each blank line (none
 * without data), and the last `id` remembered for a reconnect.
 */

/** One event of a stream. */
export interface SseEvent {
  /** `message` unless the event named itself. */
  event: string;
  data: string;
  /** The last event id the stream set, as of this event (`Last-Event-ID` to resume after it). */
  id: string | null;
}

/** The events of `body`, in order, as they arrive. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const state = { event: "", data: [] as string[], id: null as string | null };
  let buffered = "";
  for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    let end: number;
    // A line ends at \n, \r\n or \r; a \r last in the chunk may be half of a \r\n.
    while ((end = buffered.search(/\r\n|\r(?=[^\n])|\n/)) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + (buffered.startsWith("\r\n", end) ? 2 : 1));
      const event = readLine(line, state);
      if (event) yield event;
    }
  }
  if (buffered.endsWith("\r")) {
    const event = readLine(buffered.slice(0, -1), state);
    if (event) yield event;
  }
}

/** Applies one line to the event being read; returns the event a blank line completes. */
function readLine(
  line: string,
  s: { event: string; data: string[]; id: string | null },
): SseEvent | null {
  if (line === "") {
    const done = s.data.length > 0
      ? { event: s.event || "message", data: s.data.join("\n") }
      : null;
    s.event = "";
    s.data = [];
    return done && { ...done, id: s.id };
  }
  if (line.startsWith(":")) return null;
  const colon = line.indexOf(":");
  const field = colon < 0 ? line : line.slice(0, colon);
  const value = colon < 0 ? "" : line.slice(colon + (line[colon + 1] === " " ? 2 : 1));
  if (field === "event") s.event = value;
  else if (field === "data") s.data.push(value);
  else if (field === "id" && !value.includes("\0")) s.id = value;
  return null;
}
