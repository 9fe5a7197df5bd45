/**
 * A test's hands inside a network namespace: hubs and databases there have
 * addresses the test's own namespace cannot reach, so the test runs this
 * script in one (`ip netns exec`) and talks to it over its standard input
 * and output, one JSON line each way per request:
 *
 * - `{ id, fetch: { url, method, headers, body } }` → `{ id, status, body }`
 *   (`DROVER_HUB_CA_FILE` is trusted, as a worker trusts it);
 * - `{ id, invariants: dbUrl }` → `{ id, result: Violation[] }`;
 * - `{ id, sql: { dbUrl, text } }` → `{ id, result: rows }` (`readDatabase`);
 * - any failure → `{ id, error }`.
 *
 * `startRelay` (in `netns_relay_client.ts`) starts it and wraps it.
 */
import { checkInvariantsAt } from "../hub/db/check_invariants.ts";
import { readDatabase } from "./read_database.ts";

interface Request {
  id: number;
  fetch?: { url: string; method: string; headers: Record<string, string>; body?: string };
  invariants?: string;
  sql?: { dbUrl: string; text: string };
}

const caFile = Deno.env.get("DROVER_HUB_CA_FILE");
const client = caFile
  ? Deno.createHttpClient({ caCerts: [await Deno.readTextFile(caFile)] })
  : undefined;
const encoder = new TextEncoder();
const answer = (line: Record<string, unknown>) =>
  Deno.stdout.write(encoder.encode(`${JSON.stringify(line)}\n`));

async function handle(r: Request): Promise<Record<string, unknown>> {
  if (r.fetch) {
    const res = await fetch(r.fetch.url, {
      ...r.fetch,
      client,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.text() };
  }
  if (r.invariants) return { result: await checkInvariantsAt(r.invariants) };
  if (r.sql) return { result: await readDatabase(r.sql.dbUrl, (query) => query(r.sql!.text)) };
  throw new Error(`Unknown request: ${JSON.stringify(r)}`);
}

let buffered = "";
const decoder = new TextDecoder();
for await (const chunk of Deno.stdin.readable) {
  buffered += decoder.decode(chunk, { stream: true });
  let newline: number;
  while ((newline = buffered.indexOf("\n")) >= 0) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    const r = JSON.parse(line) as Request;
    handle(r).then(
      (out) => answer({ id: r.id, ...out }),
      (error) => answer({ id: r.id, error: String((error as Error).message ?? error) }),
    );
  }
}
