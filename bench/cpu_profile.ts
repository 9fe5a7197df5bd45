/**
 * A CPU profile of a Deno process started with `--inspect=<address>`,
 * taken over the Chrome DevTools Protocol, and its heaviest functions by
 * self time (what `--cpu-prof` would give, from outside the process).
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** A profiler attached to the inspector at `address` (`127.0.0.1:port`). */
export class CpuProfiler {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, (result: unknown) => void>();
  #next = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (e) => {
      const msg = JSON.parse(String(e.data)) as { id?: number; result?: unknown };
      if (msg.id !== undefined) this.#pending.get(msg.id)?.(msg.result);
    };
  }

  /** Connects to the process's inspector and starts sampling every `intervalUs`. */
  static async start(address: string, intervalUs = 1_000): Promise<CpuProfiler> {
    const targets = await (await fetch(`http://${address}/json/list`)).json() as Array<
      { webSocketDebuggerUrl: string }
    >;
    const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    const p = new CpuProfiler(socket);
    await p.#call("Profiler.enable");
    await p.#call("Profiler.setSamplingInterval", { interval: intervalUs });
    await p.#call("Profiler.start");
    return p;
  }

  /** Stops sampling and returns the profile. */
  async stop(): Promise<Profile> {
    const { profile } = await this.#call("Profiler.stop") as { profile: Profile };
    this.#socket.close();
    return profile;
  }

  #call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }
}

/** Self time (ms) by function and by source file, heaviest first. */
export function heaviest(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = shortUrl(url);
    const name = `${functionName || "(anonymous)"} ${where}${url ? `:${lineNumber + 1}` : ""}`;
    fn.set(name, (fn.get(name) ?? 0) + ms);
    file.set(where || "(native)", (file.get(where || "(native)") ?? 0) + ms);
  }
  const table = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, ms]) =>
      `  ${ms.toFixed(0).padStart(7)} ms ${(100 * ms / total).toFixed(1).padStart(5)} %  ${k}`
    ).join("\n");
  return `Sampled ${total.toFixed(0)} ms.\nBy function (self time):\n${table(fn)}\n` +
    `By file (self time):\n${table(file)}`;
}

/**
 * Total time (ms) by function of this repository (not its dependencies),
 * counting what each calls: where the time of a run goes by our own code.
 */
export function inclusive(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const own = (id: number) => {
    const { url, functionName, lineNumber } = byId.get(id)!.callFrame;
    return url.startsWith(ROOT) && !url.includes("node_modules/")
      ? `${functionName || "(anonymous)"} ${shortUrl(url)}:${lineNumber + 1}`
      : null;
  };
  const total = new Map<string, number>();
  let sampled = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    sampled += ms;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = own(at);
      if (name && !seen.has(name)) {
        seen.add(name);
        total.set(name, (total.get(name) ?? 0) + ms);
      }
    }
  });
  return `By function of ours (with what it calls):\n` +
    [...total].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, ms]) =>
      `  ${ms.toFixed(0).padStart(7)} ms ${(100 * ms / sampled).toFixed(1).padStart(5)} %  ${k}`
    ).join("\n");
}

const ROOT = new URL("../", import.meta.url).href;

function shortUrl(url: string): string {
  if (!url) return "";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) return url.slice(nm + "node_modules/".length);
  return url.startsWith(ROOT) ? url.slice(ROOT.length) : url;
}
