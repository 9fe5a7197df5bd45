import assert from "node:assert/strict";
import { EVENT_KINDS } from "../../shared/api_schemas_events.ts";
import { EVENT_KINDS as CLIENT_EVENT_KINDS } from "./client/event_kinds.ts";

const ROOT = new URL("../../", import.meta.url);

Deno.test("the checked-in hub/ui/assets/app.js is what `deno task ui:build` makes now", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-ui-bundle-" });
  try {
    const out = `${dir}/app.js`;
    const task = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))).tasks["ui:build"];
    const args = String(task).split(/\s+/).slice(1).map((a) =>
      a === "hub/ui/assets/app.js" ? out : a
    );
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    const fresh = await Deno.readTextFile(out);
    const checkedIn = await Deno.readTextFile(new URL("hub/ui/assets/app.js", ROOT));
    assert.ok(fresh === checkedIn, "hub/ui/assets/app.js is stale: run `deno task ui:build`");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the client knows every event kind the hub sends", () => {
  assert.deepEqual([...CLIENT_EVENT_KINDS], [...EVENT_KINDS]);
});
