import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import type { HubEvent } from "../../shared/api_schemas_events.ts";
import { createLogger, silentLogger } from "../../shared/log.ts";
import { openDatabase, type Reader } from "../db/client.ts";
import { WriteQueue } from "../db/write_queue.ts";
import { applyExpansion } from "../ops/apply_expansion.ts";
import { claimTasks } from "../ops/claim_tasks.ts";
import { completeTask } from "../ops/complete_task.ts";
import { insertTask, submitRoot, testDatabase } from "../ops/test_db.ts";
import { claim, families, node } from "../ops/test_ops.ts";
import { runGraph } from "../queries/run_graph.ts";
import { EventFeed, type EventFeedDeps } from "./event_feed.ts";
import type { EventFilter } from "./event_filter.ts";
import { KEEP_ALIVE } from "./event_subscription.ts";
import { RequestError } from "./request_error.ts";

type Item = HubEvent | typeof KEEP_ALIVE;

const ALL: EventFilter = { kinds: null, runId: null, taskId: null };

function feedOn(queue: WriteQueue, options: Partial<EventFeedDeps> = {}): EventFeed {
  const feed = new EventFeed({
    read: (fn) => queue.read(fn),
    log: silentLogger,
    ...options,
  });
  queue.addCommitListener(() => feed.kick());
  return feed;
}

/** The next `n` items of `items`; fails after `timeoutMs`. */
async function take(items: AsyncIterator<Item>, n: number, timeoutMs = 5_000): Promise<Item[]> {
  const out: Item[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`only ${out.length} of ${n} items came`)), timeoutMs);
  });
  try {
    while (out.length < n) {
      const next = await Promise.race([items.next(), timeout]);
      if (next.done) throw new Error(`the stream ended after ${out.length} of ${n} items`);
      out.push(next.value);
    }
    return out;
  } finally {
    clearTimeout(timer);
  }
}

const summary = (items: Item[]) =>
  items.map((e) =>
    e === KEEP_ALIVE ? "ping" : `${e.kind} ${e.runId ?? e.taskId ?? e.workerId} ${e.data.to ?? ""}`
  );

Deno.test("EventFeed: a commit of this hub wakes its streams at once, without waiting for a poll", async () => {
  await using db = await testDatabase();
  const feed = feedOn(db.queue, { pollMs: 600_000 });
  try {
    const { subscription, gap } = await feed.subscribe(ALL, null);
    assert.equal(gap, null);
    const items = subscription.events();
    await db.tx((tx) => submitRoot(tx, "a"));
    assert.deepEqual(summary(await take(items, 2)), [
      "task.created a ready",
      "run.created run_a running",
    ]);
  } finally {
    await feed.close();
  }
});

Deno.test("EventFeed: commits within the kick gap of the last poll wait for the gap, not one poll each", async () => {
  await using db = await testDatabase();
  let reads = 0;
  const feed = feedOn(db.queue, {
    pollMs: 600_000,
    kickGapMs: 600_000,
    read: (fn) => {
      reads++;
      return db.queue.read(fn);
    },
  });
  try {
    await feed.subscribe(ALL, null);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const before = reads;
    for (let i = 0; i < 20; i++) await db.tx((tx) => insertTask(tx, { id: `t${i}` }));
    assert.equal(reads, before);
  } finally {
    await feed.close();
  }
});

Deno.test("EventFeed: another hub's commits (another connection) arrive by polling the newest id", async () => {
  const dir = await Deno.makeTempDir();
  const url = `file:${dir}/hub.db`;
  const a = await openDatabase(url, { busyTimeoutMs: 1_000 });
  const b = await openDatabase(url, { busyTimeoutMs: 1_000 });
  const qa = new WriteQueue(a);
  const qb = new WriteQueue(b);
  const feed = feedOn(qb, { pollMs: 20 });
  try {
    const { subscription } = await feed.subscribe(ALL, null);
    const items = subscription.events();
    await qa.write((tx) => submitRoot(tx, "from-a"));
    assert.deepEqual(summary(await take(items, 2)), [
      "task.created from-a ready",
      "run.created run_from-a running",
    ]);
  } finally {
    await feed.close();
    await qa.close();
    await qb.close();
    a.close();
    b.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("EventFeed: a run's stream follows its graph as it grows, across pages, and leaves other runs out", async () => {
  await using db = await testDatabase();
  // Two events a page: the events of new tasks come pages before the one of
  // the expanded root that links them to the run.
  const feed = feedOn(db.queue, { pageSize: 2 });
  try {
    await db.tx((tx) => submitRoot(tx, "r"));
    await db.tx((tx) => submitRoot(tx, "shared")); // another run's root, expanded by r too
    await db.tx((tx) => insertTask(tx, { id: "elsewhere" }));
    const { subscription } = await feed.subscribe({ ...ALL, runId: "run_r" }, null);
    const start = subscription.cursor;
    const items = subscription.events();
    const [lease] = await db.tx((tx) => claimTasks(tx, claim("w", { limit: 1 })));
    assert.equal(lease?.id, "r");
    await db.tx((tx) =>
      applyExpansion(tx, {
        taskId: "r",
        epoch: lease!.epoch,
        workerId: "w",
        now: 1_000,
        families,
        nodes: [
          node("r", ["l1", "l2", "shared"]),
          node("l1"),
          node("l2"),
          node("shared"),
        ],
      })
    );
    // The requirements, then the root.
    for (const now of [2_000, 3_000]) {
      const leased = await db.tx((tx) => claimTasks(tx, claim("w", { now })));
      for (const l of leased) {
        await db.tx((tx) =>
          completeTask(tx, {
            taskId: l.id,
            epoch: l.epoch,
            key: `key-${l.id}`,
            workerId: "w",
            now: now + 100,
          })
        );
      }
    }
    // Everything that concerns the run, as the database has it now.
    const graph = (await db.queue.read((d) => runGraph(d, "run_r")))!;
    assert.deepEqual([...graph].sort(), ["l1", "l2", "r", "shared"]);
    const expected = (await db.queue.read((d: Reader) =>
      d.all<{ id: number; run_id: string | null; task_id: string | null; kind: string }>(
        sql`SELECT id, run_id, task_id, kind FROM events WHERE id > ${start} ORDER BY id`,
      )
    )).filter((e) =>
      e.run_id === "run_r" || (e.run_id === null && e.task_id !== null && graph.has(e.task_id))
    );
    const got = (await take(items, expected.length)) as HubEvent[];
    assert.deepEqual(
      got.map((e) =>
        e.id
      ),
      expected.map((e) => e.id),
    );
    assert.ok(got.some((e) => e.taskId === "l1" && e.kind === "task.created"));
    assert.ok(got.some((e) => e.taskId === "shared" && e.data.to === "done"));
    assert.ok(got.every((e) => e.runId !== "run_shared"), "not the other run's own events");
    assert.ok(got.every((e) => e.taskId !== "elsewhere" && e.kind !== "worker.connected"));
    assert.equal(got.at(-1)!.kind, "run.state");
    assert.equal(got.at(-1)!.data.to, "done");
  } finally {
    await feed.close();
  }
});

Deno.test("EventFeed: a stream on an unknown run is a 404", async () => {
  await using db = await testDatabase();
  const feed = feedOn(db.queue);
  await assert.rejects(
    feed.subscribe({ ...ALL, runId: "run_nope" }, null),
    (e: RequestError) => e.status === 404 && /Run "run_nope" does not exist/.test(e.message),
  );
  assert.equal(feed.streams, 0);
  await feed.close();
});

Deno.test("EventFeed: streams are bounded; a closed one frees its place", async () => {
  await using db = await testDatabase();
  const feed = feedOn(db.queue, { maxStreams: 2 });
  try {
    const first = await feed.subscribe(ALL, null);
    const opening = [feed.subscribe(ALL, null), feed.subscribe(ALL, null)];
    const [second, third] = (await Promise.allSettled(opening)) as [
      PromiseSettledResult<unknown>,
      PromiseSettledResult<unknown>,
    ];
    assert.equal(second.status, "fulfilled", "two at once fit");
    assert.equal(third.status, "rejected", "even while the others are still opening");
    const refused = (third as PromiseRejectedResult).reason as RequestError;
    assert.equal(refused.status, 503);
    assert.equal(refused.code, "too_many_streams");
    assert.match(refused.message, /already serves 2 event streams \(DROVER_EVENT_STREAMS\)/);
    first.subscription.close();
    first.subscription.close();
    assert.equal(feed.streams, 1);
    await feed.subscribe(ALL, null);
    assert.equal(feed.streams, 2);
  } finally {
    await feed.close();
  }
});

Deno.test("EventFeed: close() ends every stream, even one waiting for events, and refuses new ones", async () => {
  await using db = await testDatabase();
  const feed = feedOn(db.queue);
  const { subscription } = await feed.subscribe(ALL, null);
  const items = subscription.events();
  const waiting = items.next();
  await feed.close();
  assert.deepEqual(await waiting, { done: true, value: undefined });
  assert.ok(subscription.signal.aborted);
  assert.equal(feed.streams, 0);
  await assert.rejects(feed.subscribe(ALL, null), (e: RequestError) => e.code === "hub_stopping");
});

Deno.test("EventFeed: a silent stream gets a keep-alive after the interval, and only then", async () => {
  await using db = await testDatabase();
  const feed = feedOn(db.queue, { keepAliveMs: 40 });
  try {
    const { subscription } = await feed.subscribe(ALL, null);
    const items = subscription.events();
    const started = performance.now();
    assert.deepEqual(await take(items, 1), [KEEP_ALIVE]);
    assert.ok(performance.now() - started >= 35, "not before the interval");
    await db.tx((tx) => submitRoot(tx, "k"));
    // A commit may outlast the interval (PostgreSQL under load): pings may come first.
    const events: string[] = [];
    while (events.length < 2) {
      events.push(...summary(await take(items, 1)).filter((i) => i !== "ping"));
    }
    assert.deepEqual(events, ["task.created k ready", "run.created run_k running"]);
    assert.deepEqual(summary(await take(items, 1)), ["ping"], "silent again");
  } finally {
    await feed.close();
  }
});

Deno.test("EventFeed: a database that does not answer is logged once, and its return once", async () => {
  await using db = await testDatabase();
  const lines: string[] = [];
  let down = false;
  let refused = 0;
  const feed = new EventFeed({
    read: (fn) =>
      down ? Promise.reject(new Error(`database is locked (${++refused})`)) : db.queue.read(fn),
    log: createLogger({ write: (l) => lines.push(JSON.parse(l).msg) }),
    pollMs: 5,
  });
  const until = async (what: string, done: () => boolean) => {
    for (const deadline = Date.now() + 5_000; !done();) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  try {
    const { subscription } = await feed.subscribe(ALL, null);
    const items = subscription.events();
    down = true;
    await until("three refused polls", () => refused >= 3);
    await db.tx((tx) => submitRoot(tx, "back"));
    down = false;
    assert.deepEqual(summary(await take(items, 2)), [
      "task.created back ready",
      "run.created run_back running",
    ]);
  } finally {
    await feed.close();
  }
  assert.deepEqual(lines, [
    "event feed cannot read the newest event; retrying",
    "event feed reads the database again",
  ]);
});
