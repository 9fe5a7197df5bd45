import assert from "node:assert/strict";
import { z } from "zod";
import { PermanentError } from "../shared/errors.ts";
import { createLogger } from "../shared/log.ts";
import { defineTask } from "../shared/mod.ts";
import { LocalTarget } from "../shared/targets/local_target.ts";
import type { StagedOutput, Target } from "../shared/targets/target.ts";
import type { AnyTaskInstance } from "../shared/task.ts";
import { executeRun } from "./execute.ts";
import { discardStaged } from "./restore_staged.ts";

Deno.test("discardStaged() removes a local staged output, and rejects (never throws) for a kind not registered", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-restore-" });
  try {
    const staged = new LocalTarget(`${dir}/out.json`).stage("Task_1@e1");
    await staged.write("{}");
    const description = staged.describe();
    await discardStaged(description);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);

    let pending: Promise<void> | undefined;
    assert.doesNotThrow(() => pending = discardStaged({ ...description, kind: "ftp" }));
    await assert.rejects(pending!, /Unknown staged output kind "ftp".*registerStagedKind/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a run whose output is of a kind no one registered fails at once, for good, naming the kind", async () => {
  let ran = false;
  const ftp: Target = {
    uri: "ftp://example/out",
    exists: () => Promise.resolve(false),
    stage: (): StagedOutput =>
      ({
        write: () => Promise.resolve(),
        written: () => Promise.resolve(false),
        commit: () => Promise.resolve(),
        discard: () => Promise.resolve(),
        describe: () => ({ kind: "ftp", final: "ftp://example/out", staging: "" }),
      }) as unknown as StagedOutput,
  };
  const Upload = defineTask({
    family: "Upload",
    params: z.object({}),
    output: () => ftp,
    run: () => {
      ran = true;
      return Promise.resolve();
    },
  });
  let staged = 0;
  await assert.rejects(
    executeRun(Upload.of({}) as AnyTaskInstance, {
      taskId: "Upload_1",
      epoch: 1,
      attempt: 1,
      signal: new AbortController().signal,
      abort: () => {},
      log: createLogger({ write: () => {} }),
      doneDeps: new Set(),
      onStaged: () => staged++,
      setStatus: () => {},
      progress: () => {},
    }),
    (e: unknown) => e instanceof PermanentError && /kind "ftp".*stagedKinds/.test(e.message),
  );
  assert.equal(ran, false, "run was never called");
  assert.equal(staged, 0, "nothing journaled");
});
