/**
 * `deno task start` (scripts/start.ts) from an empty directory: it says the
 * hub is ready only once its local worker is connected, so a run submitted
 * the moment the banner appears finds the example families; and when the
 * worker cannot start, it says so and stops.
 */
import assert from "node:assert/strict";
import { createApiClient } from "../testing/api_client.ts";
import { ProcessHandle } from "../testing/process_handle.ts";
import { waitForRun } from "../testing/wait_for_run.ts";

const START = new URL("../scripts/start.ts", import.meta.url).pathname;

function start(cwd: string, env: Record<string, string> = {}): ProcessHandle {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", START],
    cwd,
    env: { DROVER_PORT: "0", DROVER_LOG_LEVEL: "warn", NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  return new ProcessHandle(child, "start");
}

Deno.test("deno task start prints its banner once the worker is connected: a run submitted then is accepted", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-start-" });
  try {
    await using proc = start(dir);
    const ready = await proc.waitFor(
      (l) => /Drover hub ready at http:/.test(l.msg ?? ""),
      60_000,
      "the banner",
    );
    const url = /ready at (http:\/\/\S+)/.exec(ready.msg!)![1]!;
    assert.ok(proc.lines.some((l) => /One local worker is connected/.test(l.msg ?? "")));
    const token = (await Deno.readTextFile(`${dir}/.drover/admin-token`)).trim();
    const api = createApiClient(url, token);
    const { runId } = await api.submit("AggregateShards", { totalShards: 2 });
    assert.equal((await waitForRun(api, runId, { timeoutMs: 30_000 })).state, "done");
    const status = await proc.stop();
    assert.equal(status.code, 0, "SIGTERM stops the worker and the hub cleanly");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task start says why and stops when its worker exits before connecting", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-start-" });
  try {
    await using proc = start(dir, { DROVER_WORKER_SLOTS: "0" });
    const status = await proc.child.status;
    assert.equal(status.code, 1);
    await proc.stop();
    const text = proc.lines.map((l) => l.msg ?? "").join("\n");
    assert.match(text, /DROVER_WORKER_SLOTS/, "the worker's own complaint is shown");
    assert.match(text, /The local worker exited with code 2 before it connected; stopping the hub/);
    assert.doesNotMatch(text, /Drover hub ready/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
