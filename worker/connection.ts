/**
 * The worker's link to a hub: connects out, reconnects with exponential
 * backoff and jitter, and hands parsed frames to the session. Once the hub
 * speaks protocol 2, frames sent within a short window go out together as
 * one `batch` frame, and each frame of a batch that comes in is read alone.
 */
import { setImmediate } from "node:timers";
import { backoffDelay, type BackoffPolicy } from "../shared/backoff.ts";
import type { Logger } from "../shared/log.ts";
import { CONNECT_TIMEOUT_MS, startWatchdog } from "./socket_watchdog.ts";
import { FrameCoalescer, framesOf } from "../shared/frame_coalescer.ts";
import {
  CLOSE,
  type HubFrame,
  hubFrameSchema,
  MAX_FRAME_BYTES,
  type WorkerFrame,
} from "../shared/protocol.ts";

/** Callbacks from the connection. */
export interface ConnectionHandlers {
  /** The socket is open: send hello now. */
  onOpen(): void;
  /** A frame from the hub. */
  onFrame(frame: HubFrame): void;
  /**
   * The socket closed (a reconnect follows unless the connection was stopped).
   * `opened` is false when it never opened: the hub could not be reached or
   * refused the handshake, and there is no close code (`code` is 0); then
   * `error` is what the socket reported (e.g. "invalid peer certificate:
   * UnknownIssuer"). `hubUrl` is the hub this socket was for.
   */
  onClose(
    code: number,
    reason: string,
    opened: boolean,
    error: string | undefined,
    hubUrl: string,
  ): void;
}

/** Options for {@link Connection}. */
export interface ConnectionOptions {
  /**
   * The hub's base URL, e.g. `http://127.0.0.1:8080`; several, comma-separated,
   * are tried in turn (a worker moves to the next hub when its hub goes away).
   */
  hubUrl: string;
  log: Logger;
  /** Extra headers for the WebSocket request (tokens). */
  headers?: Record<string, string>;
  /**
   * Certificate authorities (PEM) trusted for `https://` hubs besides the
   * default roots: the CA of a hub with a private certificate.
   */
  caCerts?: readonly string[];
  /**
   * A cap on the next reconnect delay, when there is one: a worker holding
   * leases must be back before they expire, however long it has been failing.
   */
  maxDelayMs?: () => number | undefined;
  /**
   * How long a frame waits for others to go out with it (protocol 2), in
   * milliseconds. Default 0: at the end of the event loop's turn.
   */
  coalesceMs?: number;
}

/** Reconnect delays: from 200 ms, doubling, at most 10 s, with half jitter. */
const RECONNECT_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 10_000, jitter: 0.5 };

/** Turns a hub URL into its worker WebSocket URL. */
function workerSocketUrl(hubUrl: string): string {
  const url = new URL(hubUrl);
  url.protocol = url.protocol === "https:"
    ? "wss:"
    : url.protocol === "http:"
    ? "ws:"
    : url.protocol;
  url.pathname = url.pathname.replace(/\/$/, "") + "/ws/worker";
  return url.toString();
}

/** A self-healing WebSocket to the hub. */
export class Connection {
  readonly #options: ConnectionOptions;
  readonly #handlers: ConnectionHandlers;
  #socket: WebSocket | null = null;
  readonly #out: FrameCoalescer;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #failures = 0;
  #stopped = false;
  readonly #urls: string[];
  #next = 0;
  readonly #client: Deno.HttpClient | undefined;
  /** Silence (ms) after which the socket is given up; set by {@link healthy}. */
  #silenceMs: number | null = null;

  constructor(options: ConnectionOptions, handlers: ConnectionHandlers) {
    this.#options = options;
    this.#handlers = handlers;
    this.#out = new FrameCoalescer({
      write: (text) => {
        try {
          this.#socket!.send(text);
          return true;
        } catch {
          return false;
        }
      },
      open: () => this.open,
      maxBytes: MAX_FRAME_BYTES,
      windowMs: options.coalesceMs ?? 0,
      immediate: setImmediate,
    });
    this.#urls = options.hubUrl.split(",").map((u) => u.trim()).filter(Boolean);
    if (this.#urls.length === 0) throw new TypeError("No hub URL given");
    this.#client = options.caCerts?.length
      ? Deno.createHttpClient({ caCerts: [...options.caCerts] })
      : undefined;
  }

  /** The hub URL the current (or next) connection uses. */
  get hubUrl(): string {
    return this.#urls[this.#next % this.#urls.length]!;
  }

  /** Whether a socket is open. */
  get open(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /** Bytes sent on the open socket that have not gone out yet (0 when none is open). */
  get backlog(): number {
    return this.#socket?.bufferedAmount ?? 0;
  }

  /** Starts connecting. */
  start(): void {
    this.#connect();
  }

  /**
   * Sends a frame, now or with the next batch; false when not connected
   * (the caller keeps what must survive). With `replaces`, a frame of that
   * type still waiting is dropped for this one (only the latest credit counts).
   */
  send(frame: WorkerFrame, replaces?: WorkerFrame["type"]): boolean {
    return this.#out.send(frame, replaces);
  }

  /** Whether frames are coalesced into batches (set once the hub welcomed protocol 2). */
  set batching(on: boolean) {
    if (!on) this.#out.flush();
    this.#out.enabled = on;
  }

  /**
   * Marks the session healthy (resets the backoff). With `silenceMs`, a socket
   * the hub sends nothing on for that long is given up, and the next hub
   * tried (see `socket_watchdog.ts`).
   */
  healthy(silenceMs?: number): void {
    this.#failures = 0;
    this.#silenceMs = silenceMs ?? null;
  }

  /** Closes the socket and stops reconnecting; resolves once the socket is closed. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const socket = this.#socket;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      const closed = new Promise<void>((resolve) =>
        socket.addEventListener("close", () => resolve())
      );
      this.#out.flush();
      socket.close(CLOSE.normal, "worker stopping");
      await closed;
    }
    this.#client?.close();
  }

  #connect(): void {
    if (this.#stopped) return;
    const url = workerSocketUrl(this.hubUrl);
    let socket: WebSocket;
    try {
      socket = this.#options.headers || this.#client
        ? new WebSocket(url, { headers: this.#options.headers, client: this.#client })
        : new WebSocket(url);
    } catch (error) {
      this.#options.log.error("cannot open a WebSocket to the hub", { url, error });
      this.#next = (this.#next + 1) % this.#urls.length;
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    // Until this socket's welcome says otherwise, frames go out one by one.
    this.#out.clear();
    this.#out.enabled = false;
    const hubUrl = this.hubUrl;
    let opened = false;
    let error: string | undefined;
    // The close handshake cannot cross a partition: the socket is not waited for.
    const giveUp = (code: number, reason: string) => {
      try {
        if (code === 0) socket.close();
        else socket.close(CLOSE.goingAway, reason);
      } catch { /* closing already */ }
      closed(code, reason);
    };
    const watchdog = startWatchdog({
      opened: () => opened,
      silenceMs: () => this.#silenceMs,
      onConnectTimeout: () => {
        error = `no answer within ${CONNECT_TIMEOUT_MS} ms`;
        giveUp(0, "");
      },
      onSilent: (silentMs) => {
        this.#options.log.warn("the hub has been silent: connecting again", { hubUrl, silentMs });
        giveUp(1006, "hub silent");
      },
    });
    socket.onopen = () => {
      opened = true;
      watchdog.heard();
      this.#handlers.onOpen();
    };
    socket.onmessage = (event) => {
      watchdog.heard();
      if (typeof event.data !== "string") return;
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        this.#options.log.warn("hub sent a frame that is not JSON");
        return;
      }
      const frames = framesOf(json);
      if (!frames) this.#options.log.warn("hub sent a batch frame this worker does not understand");
      for (const item of frames ?? []) this.#receive(item);
    };
    socket.onerror = (event) => {
      error = (event as ErrorEvent).message || undefined;
    };
    let ended = false;
    const closed = (code: number, reason: string) => {
      if (ended) return;
      ended = true;
      watchdog.stop();
      socket.onmessage = null; // a socket given up on may still speak: not heard
      this.#silenceMs = null;
      if (this.#socket === socket) {
        this.#socket = null;
        // What waited is sent again after the next welcome (results, from the outbox).
        this.#out.clear();
      }
      // A drained worker must stop, not come back.
      if (code === CLOSE.drained) this.#stopped = true;
      // Next time, try the next hub (a hub that went away may not come back).
      this.#next = (this.#next + 1) % this.#urls.length;
      if (!opened && !this.#stopped) {
        this.#options.log.warn("could not connect to the hub", { hubUrl, error });
      }
      this.#handlers.onClose(code, reason, opened, opened ? undefined : error, hubUrl);
      this.#scheduleReconnect();
    };
    socket.onclose = (event) => closed(event.code, event.reason);
  }

  #receive(json: unknown): void {
    const parsed = hubFrameSchema.safeParse(json);
    if (!parsed.success) {
      this.#options.log.warn("hub sent a frame this worker does not understand", {
        type: (json as { type?: unknown })?.type,
      });
      return;
    }
    this.#handlers.onFrame(parsed.data);
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    this.#failures++;
    const backoff = backoffDelay(this.#failures, RECONNECT_BACKOFF);
    const cap = this.#options.maxDelayMs?.();
    const ms = cap === undefined ? backoff : Math.min(backoff, cap);
    this.#options.log.info("reconnecting to the hub", {
      inMs: ms,
      failures: this.#failures,
      hubUrl: this.hubUrl,
    });
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#connect();
    }, ms);
  }
}
