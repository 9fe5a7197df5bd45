/**
 * Starts `netns_relay.ts` in a network namespace and wraps it: a `fetch` for
 * `createApiClient` (the hubs' admin API from inside the namespace), the
 * invariant checker and SQL on a database only reachable there.
 *
 * @module
 */
import type { Violation } from "../hub/db/check_invariants.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** A relay process in a namespace. */
export interface Relay extends AsyncDisposable {
  /** A `fetch` whose requests leave from the namespace (bodies as text only). */
  fetch: typeof fetch;
  /** `checkInvariantsAt(dbUrl)`, run there. */
  invariants(dbUrl: string): Promise<Violation[]>;
  /** The rows of one SQL statement on a PostgreSQL database, run there. */
  sql<T = Record<string, unknown>>(dbUrl: string, text: string): Promise<T[]>;
}

/** Starts a relay in namespace `ns`; `caFile` is the CA it trusts for https. */
export function startRelay(ns: string, caFile?: string): Relay {
  const child = new Deno.Command("ip", {
    args: ["netns", "exec", ns, Deno.execPath(), "run", "-A", `${ROOT}testing/netns_relay.ts`],
    cwd: ROOT,
    env: caFile ? { DROVER_HUB_CA_FILE: caFile } : {},
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  const waiting = new Map<number, PromiseWithResolvers<Record<string, unknown>>>();
  let next = 1;
  const reading = (async () => {
    let buffered = "";
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>;
        buffered = buffered.slice(newline + 1);
        const w = waiting.get(Number(line.id));
        waiting.delete(Number(line.id));
        if (line.error !== undefined) w?.reject(new Error(`relay: ${line.error}`));
        else w?.resolve(line);
      }
    }
    for (const w of waiting.values()) w.reject(new Error("The relay exited"));
  })();
  const ask = async (request: Record<string, unknown>) => {
    const id = next++;
    const answer = Promise.withResolvers<Record<string, unknown>>();
    waiting.set(id, answer);
    await writer.write(new TextEncoder().encode(`${JSON.stringify({ id, ...request })}\n`));
    return answer.promise;
  };
  const relayFetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const out = await ask({
      fetch: {
        url: String(input),
        method: init.method ?? "GET",
        headers,
        body: typeof init.body === "string" ? init.body : undefined,
      },
    });
    return new Response(String(out.body), { status: Number(out.status) });
  };
  return {
    fetch: relayFetch as typeof fetch,
    invariants: async (dbUrl) => (await ask({ invariants: dbUrl })).result as Violation[],
    sql: async <T>(dbUrl: string, text: string) =>
      (await ask({ sql: { dbUrl, text } })).result as T[],
    async [Symbol.asyncDispose]() {
      await writer.close().catch(() => {});
      await reading;
      await child.status;
    },
  };
}
