import assert from "node:assert/strict";
import { LocalTarget } from "../shared/targets/local_target.ts";
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
