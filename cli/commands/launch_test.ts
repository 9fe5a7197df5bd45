import assert from "node:assert/strict";
import { createMemoryIo } from "../io.ts";
import { runCli } from "../run_cli.ts";
import type { Launchers } from "./launch.ts";

/** Launchers that record what they were given and stop when told to. */
function recordingLaunchers() {
  const started: { name: string; env: Record<string, string | undefined> }[] = [];
  const launched = Promise.withResolvers<void>();
  const stop = Promise.withResolvers<void>();
  const launcher = (name: string) => (env: Record<string, string | undefined>) => {
    started.push({ name, env });
    launched.resolve();
    return Promise.resolve({ stopped: stop.promise });
  };
  const launchers: Launchers = { hub: launcher("hub"), worker: launcher("worker") };
  return { launchers, started, launched: launched.promise, stop: stop.resolve };
}

Deno.test("drover hub and drover worker start their process with the whole environment", async () => {
  for (const name of ["hub", "worker"] as const) {
    const { launchers, started, launched, stop } = recordingLaunchers();
    // A client setting that would be refused does not matter: no hub is called.
    const env = { DROVER_URL: "not a url", DROVER_TASK_MODULES: "./examples/tasks.ts" };
    const io = createMemoryIo();
    const exit = runCli([name], { env, io, launchers });
    await launched;
    assert.deepEqual(started, [{ name, env }]);
    // It runs until its process stops (a signal, or a drain for a worker).
    stop();
    assert.equal(await exit, 0);
    assert.equal(io.stdout + io.stderr, "");
  }
});

Deno.test("drover hub refuses a client option before starting anything", async () => {
  const { launchers, started } = recordingLaunchers();
  const io = createMemoryIo();
  const code = await runCli(["hub", "--url", "http://127.0.0.1:8080"], { env: {}, io, launchers });
  assert.equal(code, 2);
  assert.deepEqual(started, []);
  assert.match(io.stderr, /^error: Option "--url" does not apply to "hub": it runs a hub here/);
});

Deno.test("drover hub that cannot start says why on one line and exits 1, as deno task hub does", async () => {
  const io = createMemoryIo();
  const refused: Launchers = {
    hub: () => Promise.reject(new Deno.errors.AddrInUse("Address already in use (os error 98)")),
    worker: () => Promise.reject(new Error("not this one")),
  };
  const code = await runCli(["hub"], { env: {}, io, launchers: refused });
  assert.equal(code, 1);
  assert.equal(
    io.stderr,
    "error: the hub did not start: AddrInUse: Address already in use (os error 98)\n",
  );
});
