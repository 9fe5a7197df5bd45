import assert from "node:assert/strict";
import { familyInfo } from "../shared/family_info.ts";
import { createWorkerToken } from "../testing/create_worker_token.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { drover } from "./fixtures/drover.ts";
import { RawWorker } from "./fixtures/raw_worker.ts";
import { createTestTasks } from "./fixtures/tasks.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { testDbUrl } from "../testing/postgres.ts";
import { readDatabase } from "../testing/read_database.ts";

Deno.test("a worker whose token is scoped to region=eu-west cannot register as us-east", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-scope-" });
  await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
  const token = await createWorkerToken(hub.api, { scope: { region: "eu-west" }, name: "eu" });

  await t.step("the real worker is refused with the reason, and keeps trying", async () => {
    await using worker = await spawnWorker({
      hub,
      entry: "tests/fixtures/worker.ts",
      dataDir: `${dir}/data`,
      stateDir: `${dir}/w`,
      labels: "region=us-east",
      token,
      waitConnected: false,
    });
    const refused = await worker.waitFor((l) =>
      l.msg === "hub reported an error" && l.code === "scope_violation"
    );
    assert.equal(
      refused.message,
      "Refused: the worker token's scope region=eu-west does not allow labels region=us-east",
    );
    assert.ok(!worker.lines.some((l) => l.msg === "connected to the hub"));
  });

  await t.step("with matching labels the same token connects", async () => {
    await using worker = await spawnWorker({
      hub,
      entry: "tests/fixtures/worker.ts",
      dataDir: `${dir}/data`,
      stateDir: `${dir}/w2`,
      labels: "region=eu-west,zone=b",
      token,
    });
    assert.ok(worker.lines.some((l) => l.msg === "connected to the hub"));
  });
  await hub.stop();
  await removeTree(dir);
});

Deno.test("the hub refuses a worker without a token, and closes sessions of a revoked token", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-tokens-" });
  const dbUrl = await testDbUrl(dir);
  await using hub = await spawnHub({ dbUrl });
  const families = [familyInfo(createTestTasks(dir).Sleep)];

  await t.step("no token: closed with a reason", async () => {
    const raw = await RawWorker.connect(hub, null);
    const error = await raw.next((f) => f.type === "error");
    assert.ok(error.type === "error" && error.code === "unauthorized");
    const closed = await raw.closed;
    assert.equal(closed.code, 1008);
    assert.match(closed.reason, /worker token is required/);
  });

  await t.step("a made-up token: closed with a reason", async () => {
    const raw = await RawWorker.connect(hub, `drv_tok_000000000000_${"x".repeat(43)}`);
    assert.match((await raw.closed).reason, /unknown or revoked/);
  });

  await t.step("revoking a token closes the sessions that use it", async () => {
    const created = await hub.api.request<{ id: string; token: string }>("/api/tokens", {
      body: { role: "worker", name: "doomed" },
    });
    assert.equal(created.status, 201);
    assert.match(created.body.token, /^drv_tok_[0-9a-f]{12}_/);
    const raw = await RawWorker.connect(hub, created.body.token);
    assert.equal((await raw.hello(families)).type, "welcome");
    const revoked = await hub.api.request<{ sessionsClosed: number }>(
      `/api/tokens/${created.body.id}`,
      {
        method: "DELETE",
      },
    );
    assert.equal(revoked.body.sessionsClosed, 1);
    const closed = await raw.closed;
    assert.deepEqual([closed.code, closed.reason], [1008, "worker token revoked"]);
    const again = await RawWorker.connect(hub, created.body.token);
    assert.match((await again.closed).reason, /unknown or revoked/);
  });

  await t.step("tokens are listed without secrets and stored only as hashes", async () => {
    const { body } = await hub.api.request<{ tokens: Array<Record<string, unknown>> }>(
      "/api/tokens",
    );
    assert.ok(body.tokens.length >= 1);
    for (const token of body.tokens) {
      assert.equal(token.token, undefined);
      assert.equal(token.hash, undefined);
    }
    const created = await hub.api.request<{ token: string }>("/api/tokens", {
      body: { role: "worker" },
    });
    // A file's every byte (its log too); on PostgreSQL, every row of every table.
    const text = dbUrl.startsWith("file:")
      ? new TextDecoder("latin1").decode(await Deno.readFile(`${dir}/hub.db`)) +
        new TextDecoder("latin1").decode(
          await Deno.readFile(`${dir}/hub.db-wal`).catch(() => new Uint8Array()),
        )
      : await readDatabase(dbUrl, async (query) => {
        const tables = await query<{ name: string }>(
          "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
        );
        let all = "";
        for (const { name } of tables) {
          all += JSON.stringify(await query(`SELECT * FROM "${name}"`));
        }
        return all;
      });
    assert.ok(
      !text.includes(created.body.token.slice(21)),
      "the secret is nowhere in the database",
    );
  });

  await t.step("a scope on a token that is not a worker's is a clear 400", async () => {
    const res = await hub.api.request<{ code: string; field: string; detail: string }>(
      "/api/tokens",
      { body: { role: "viewer", scope: { region: "eu-west" } } },
    );
    assert.equal(res.status, 400);
    assert.equal(res.body.field, "scope");
    assert.match(res.body.detail, /only worker tokens have a scope/);
  });
  await hub.stop();
  await removeTree(dir);
});

Deno.test("drover token create, list and revoke manage worker tokens", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-token-cli-" });
  await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
  const created = await drover(hub, [
    "token",
    "create",
    "--role",
    "worker",
    "--scope",
    "region=eu-west",
    "--name",
    "eu-1",
  ]);
  assert.equal(created.code, 0, created.stderr);
  const token = created.stdout.trim();
  assert.match(token, /^drv_tok_[0-9a-f]{12}_/);
  assert.match(created.stderr, /scope region=eu-west/);
  const id = token.slice(4, 20);
  const listed = await drover(hub, ["token", "list"]);
  assert.match(listed.stdout, new RegExp(`${id}\\s+worker\\s+region=eu-west\\s+eu-1`));
  assert.ok(!listed.stdout.includes(token), "the secret is never listed");
  const revoked = await drover(hub, ["token", "revoke", id]);
  assert.equal(revoked.code, 0);
  assert.match(revoked.stdout, new RegExp(`Revoked ${id}`));
  const bad = await drover(hub, ["token", "create", "--scope", "region"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Invalid --scope "region"/);
  await hub.stop();
  await removeTree(dir);
});
