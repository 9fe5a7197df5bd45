/**
 * A Server-Sent Events parser, as the WHATWG HTML standard reads a stream
 * (lines end in LF, CR or CRLF; `field: value`; a blank line dispatches),
 * for clients that cannot use `EventSource` because they send an
 * Authorization header: the CLI, and the web UI through `fetch`. No Deno
 * APIs: it runs in a browser as is.
 *
 * @module
 */

/**
 * One message: its `event:` type (`message` when none), its `data:` lines
 * joined by newlines, and the last `id:` seen up to it (`""` when none).
 *
 * @example
 * ```ts
 * import type { SseMessage } from "./sse_parser.ts";
 * const m: SseMessage = { event: "run.state", data: "{}", id: "7" };
 * ```
 */
export interface SseMessage {
  event: string;
  data: string;
  id: string;
}

/**
 * An incremental parser: give it text as it arrives, take the messages it
 * completes. It remembers the last event id and the server's `retry:` hint.
 *
 * @example
 * ```ts
 * import { SseParser } from "./sse_parser.ts";
 * const parser = new SseParser();
 * console.assert(parser.push("id: 7\nevent: run.st").length === 0);
 * const [m] = parser.push("ate\ndata: {}\n\n");
 * console.assert(m?.event === "run.state" && parser.lastEventId === "7");
 * ```
 */
export class SseParser {
  /** The last `id:` received; send it back as `Last-Event-ID` to resume. */
  lastEventId = "";
  /** The server's `retry:` hint (ms), if it gave one. */
  retryMs: number | null = null;
  /** Comment lines (`: ping`) received, a sign of life. */
  comments = 0;
  #buffer = "";
  #event = "";
  #data: string[] = [];
  #started = false;
  #afterCr = false;

  /** Parses `text`, the next piece of the stream; returns the messages it completed. */
  push(text: string): SseMessage[] {
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CR that ended the last piece may be the first half of a CRLF.
    if (this.#afterCr && text.startsWith("\n")) text = text.slice(1);
    this.#afterCr = false;
    this.#buffer += text;
    const out: SseMessage[] = [];
    for (;;) {
      const end = this.#buffer.search(/[\r\n]/);
      if (end < 0) break;
      const line = this.#buffer.slice(0, end);
      let next = end + 1;
      if (this.#buffer[end] === "\r") {
        if (end + 1 === this.#buffer.length) this.#afterCr = true;
        else if (this.#buffer[end + 1] === "\n") next++;
      }
      this.#buffer = this.#buffer.slice(next);
      const message = this.#line(line);
      if (message) out.push(message);
    }
    return out;
  }

  #line(line: string): SseMessage | null {
    if (line === "") {
      const data = this.#data;
      const event = this.#event;
      this.#data = [];
      this.#event = "";
      if (data.length === 0) return null;
      return { event: event || "message", data: data.join("\n"), id: this.lastEventId };
    }
    if (line.startsWith(":")) {
      this.comments++;
      return null;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.#event = value;
    else if (field === "data") this.#data.push(value);
    else if (field === "id" && !value.includes("\0")) this.lastEventId = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
    return null;
  }
}

/**
 * The messages of an SSE response body, as they arrive; cancels the body
 * when the loop ends early, or when `signal` aborts (then the loop throws
 * the signal's reason, even while it waits for data). A message cut off by
 * the end is dropped.
 *
 * @example
 * ```ts
 * import { readSse, SseParser } from "./sse_parser.ts";
 * const body = new Response("event: gap\ndata: {}\n\n").body!;
 * const parser = new SseParser();
 * for await (const m of readSse(body, parser)) console.assert(m.event === "gap");
 * ```
 */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  parser: SseParser = new SseParser(),
  signal?: AbortSignal,
): AsyncGenerator<SseMessage> {
  const reader = body.pipeThrough(new TextDecoderStream(), { signal }).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield* parser.push(value);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
