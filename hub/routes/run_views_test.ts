import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { runGraphSchema, runTimelineSchema } from "../../shared/api_schemas_graph.ts";
import { type TestApp, testApp } from "../test_app.ts";

/**
 * A run `run_w` whose root `Wide_1` requires `n` Leaf tasks (a third done),
 * written straight into the database, set-based.
 */
async function seedWideRun(t: TestApp, n: number): Promise<void> {
  await t.core.queue.write(async (tx) => {
    await tx.run(sql`INSERT INTO tasks (id, family, version, params, state, kind, created_at,
      updated_at) VALUES ('Wide_1', 'Wide', 1, '{"n":1}', 'waiting', 'run', 0, 0)`);
    await tx.run(sql`INSERT INTO tasks (id, family, version, params, state, kind, created_at,
        updated_at)
      WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < ${n - 1})
      SELECT 'Leaf_' || substr('0000' || i, length('0000' || i) - 4, 5), 'Leaf', 1,
        '{"i":' || i || '}',
        CASE i % 3 WHEN 0 THEN 'done' ELSE 'ready' END, 'run', 0, 0 FROM k`);
    await tx.run(sql`INSERT INTO edges (task_id, dep_id)
      SELECT 'Wide_1', id FROM tasks WHERE family = 'Leaf'`);
    await tx.run(sql`INSERT INTO runs (id, root_task_id, family, params, state, created_at)
      VALUES ('run_w', 'Wide_1', 'Wide', '{"n":1}', 'running', 0)`);
  });
}

async function getJson(t: TestApp, path: string, token?: string) {
  const res = await t.app.request(
    path,
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  );
  return { status: res.status, body: await res.json() };
}

Deno.test("GET /api/runs/{id}/graph and /timeline answer 404 run_not_found for an unknown run", async () => {
  await using t = await testApp([]);
  for (const view of ["graph", "timeline"]) {
    const { status, body } = await getJson(t, `/api/runs/run_nope/${view}`);
    assert.equal(status, 404);
    assert.equal(body.code, "run_not_found");
  }
});

Deno.test("a 10,000-task run's graph is a root and one group, laid out left to right", async () => {
  await using t = await testApp([]);
  await seedWideRun(t, 10_000);
  const viewer = await t.token("viewer");
  const { status, body } = await getJson(t, "/api/runs/run_w/graph", viewer);
  assert.equal(status, 200);
  const graph = runGraphSchema.parse(body);
  assert.equal(graph.total, 10_001);
  const [newest] = await t.core.read((db) =>
    db.all<{ id: number }>(sql`SELECT max(id) AS id FROM events`)
  );
  assert.equal(graph.version, newest!.id);
  assert.deepEqual(graph.nodes.map((n) => [n.id, n.kind, n.size]), [
    ["Wide_1", "task", 1],
    ["g:Leaf:1", "group", 10_000],
  ]);
  const [root, group] = graph.nodes;
  assert.deepEqual(group!.counts, { done: 3_334, ready: 6_666 });
  assert.ok(group!.x < root!.x, "requirements are left of what needs them");
  assert.ok(graph.width >= root!.x + root!.width / 2);
  assert.deepEqual(graph.edges.map((e) => [e.from, e.to, e.count]), [[
    "g:Leaf:1",
    "Wide_1",
    10_000,
  ]]);
  assert.ok(graph.edges[0]!.points.length >= 2);
});

Deno.test("expand= draws a group's first members and a more node; a bad id is a 400", async () => {
  await using t = await testApp([]);
  await seedWideRun(t, 200);
  const { body } = await getJson(t, "/api/runs/run_w/graph?expand=g:Leaf:1,g:Other:4");
  const graph = runGraphSchema.parse(body);
  assert.deepEqual(graph.expanded, ["g:Leaf:1"]);
  assert.equal(graph.nodes.length, 1 + 50 + 1);
  const first = graph.nodes[1]!;
  assert.deepEqual([first.id, first.label, first.group, first.state], [
    "Leaf_00000",
    "i=0",
    "g:Leaf:1",
    "done",
  ]);
  const more = graph.nodes.at(-1)!;
  assert.deepEqual([more.id, more.kind, more.size], ["m:Leaf:1", "more", 150]);
  assert.equal(graph.edges.length, 51);

  const bad = await getJson(t, "/api/runs/run_w/graph?expand=%3Cscript%3E");
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, "invalid_query");
  assert.equal(bad.body.field, "expand.0");
});

Deno.test("the timeline lists the run's latest attempts with worker name and region", async () => {
  await using t = await testApp([]);
  await seedWideRun(t, 30);
  await t.core.queue.write(async (tx) => {
    await tx.run(sql`INSERT INTO workers (id, name, labels, version, slots, state, connected_at,
      last_seen_at) VALUES ('w_eu', 'eu-1', '{"region":"eu-west"}', 't', 4, 'connected', 0, 0)`);
    await tx.run(sql`INSERT INTO attempts (task_id, kind, epoch, attempt, worker_id, started_at,
        ended_at, outcome)
      SELECT id, 'run', 1, 1, 'w_eu', 1000 + n, CASE WHEN state = 'done' THEN 2000 + n END,
        CASE WHEN state = 'done' THEN 'done' END
      FROM (SELECT id, state, (SELECT count(*) FROM tasks o WHERE o.family = 'Leaf' AND o.id <= t.id)
        AS n FROM tasks t WHERE family = 'Leaf') AS leaves`);
  });
  const full = runTimelineSchema.parse((await getJson(t, "/api/runs/run_w/timeline")).body);
  assert.equal(full.attempts.length, 30);
  assert.equal(full.truncated, false);
  const first = full.attempts[0]!;
  assert.deepEqual(
    [first.taskId, first.family, first.workerName, first.region, first.outcome],
    ["Leaf_00000", "Leaf", "eu-1", "eu-west", "done"],
  );
  assert.equal(full.attempts[1]!.endedAt, null, "still running");

  const latest = runTimelineSchema.parse(
    (await getJson(t, "/api/runs/run_w/timeline?limit=5")).body,
  );
  assert.equal(latest.truncated, true);
  assert.deepEqual(latest.attempts.map((a) => a.taskId), [
    "Leaf_00025",
    "Leaf_00026",
    "Leaf_00027",
    "Leaf_00028",
    "Leaf_00029",
  ]);
});
