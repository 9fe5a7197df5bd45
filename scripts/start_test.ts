import assert from "node:assert/strict";
import { banner, droverCommands } from "./start.ts";

const NPX = "npx -y deno@2.9.6 task drover";

Deno.test("droverCommands() picks npx when npx or npm exec started deno task start", () => {
  // What npx -y deno@2.9.6 task start sets (npm 11); `npm exec` sets the same two.
  const npx = {
    npm_command: "exec",
    npm_lifecycle_event: "npx",
    npm_execpath: "/usr/lib/node_modules/npm/bin/npm-cli.js",
    npm_config_user_agent: "npm/11.19.1 node/v20.20.2 linux x64 workspaces/false",
  };
  assert.deepEqual(droverCommands(npx, "2.9.6"), { command: NPX, alternative: null });
});

Deno.test("droverCommands() picks deno task when nothing npm-like started it", () => {
  const deno = { command: "deno task drover", alternative: null };
  assert.deepEqual(droverCommands({}, "2.9.6"), deno);
  // deno task sets this one itself when it is not set.
  const ownAgent = { npm_config_user_agent: "deno/2.9.6 npm/? deno/2.9.6 linux x86_64" };
  assert.deepEqual(droverCommands(ownAgent, "2.9.6"), deno);
  assert.deepEqual(droverCommands({ npm_command: "", npm_execpath: "" }, "2.9.6"), deno);
});

Deno.test("droverCommands() offers both when another npm-like launcher started it", () => {
  const both = { command: "deno task drover", alternative: NPX };
  const npmRun = { npm_command: "run-script", npm_execpath: "/usr/lib/npm-cli.js" };
  assert.deepEqual(droverCommands(npmRun, "2.9.6"), both);
  const pnpm = { npm_config_user_agent: "pnpm/9.0.0 npm/? node/v20.20.2 linux x64" };
  assert.deepEqual(droverCommands(pnpm, "2.9.6"), both);
});

Deno.test("banner() shows the commands picked, and the other way when unsure", () => {
  const config = { dbUrl: "file:.drover/hub.db", dataDir: ".drover/data" };
  const text = banner("http://127.0.0.1:8080", config, ".drover/admin-token", {
    command: "deno task drover",
    alternative: NPX,
  });
  assert.match(text, /^ {2}Try: {2}deno task drover submit AggregateShards --param /m);
  assert.match(text, /^ {8}deno task drover runs$/m);
  assert.match(
    text,
    /^ {2}Without deno on your PATH, run "npx -y deno@2\.9\.6 task drover …" instead of "deno task drover …"\.$/m,
  );
  const sure = banner("http://127.0.0.1:8080", config, null, { command: NPX, alternative: null });
  assert.match(sure, /^ {2}Try: {2}npx -y deno@2\.9\.6 task drover submit /m);
  assert.doesNotMatch(sure, /Without deno|deno task drover/);
});
