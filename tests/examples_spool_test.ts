/**
 * End to end: the spool consumer example (`examples/spool.ts`), with a real
 * hub and a real worker over a temp data directory.
 */
import assert from "node:assert/strict";
import { spoolEvents } from "../examples/spool.ts";
import { readOutput } from "../testing/read_output.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import type { Cluster } from "../testing/start_cluster.ts";
import { startExampleCluster } from "./fixtures/example_cluster.ts";

interface Event {
  id: string;
  ts: string;
  v?: string;
}

async function readLines(path: string): Promise<Event[]> {
  const text = await readOutput(path);
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

async function listNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) if (entry.isFile) names.push(entry.name);
  return names.sort();
}

async function drain(cluster: Cluster, until: string): Promise<void> {
  const submitted = await cluster.api.submit("DrainSpool", { until });
  const run = await waitForRun(cluster.api, submitted.runId, { timeoutMs: 30_000 });
  assert.equal(run.state, "done", JSON.stringify(run));
}

Deno.test("DrainSpool partitions spooled events by hour, deduplicated and sorted, and later drains pick up late files", async (t) => {
  await using cluster = await startExampleCluster("spool");
  const spool = `${cluster.dataDir}/spool`;
  const part = (hour: string, until: string) =>
    `${cluster.dataDir}/partitions/v1/${hour}/part-${until}.jsonl`;

  await t.step("the first drain writes a part per hour and moves the files it read", async () => {
    await spoolEvents(cluster.dataDir, "a", [
      { id: "a1", ts: "2026-11-23T10:30:00Z", v: "a" },
      { id: "a2", ts: "2026-11-23T11:05:00Z", v: "a" },
      { id: "a3", ts: "2026-11-23T10:10:00Z", v: "a" },
      { id: "dup10", ts: "2026-11-23T10:20:00Z", v: "a" },
    ]);
    await spoolEvents(cluster.dataDir, "b", [
      { id: "dup10", ts: "2026-11-23T10:20:00Z", v: "b" },
      { id: "b1", ts: "2026-11-23T11:00:00Z", v: "b" },
      { id: "a2", ts: "2026-11-23T11:05:00Z", v: "b" },
      { id: "b2", ts: "2026-11-23T10:00:00+00:00", v: "b" },
    ]);
    await drain(cluster, "2026-11-23T11");

    const t10 = await readLines(part("2026-11-23T10", "2026-11-23T11"));
    assert.deepEqual(t10.map((e) => e.id), ["b2", "a3", "dup10", "a1"]);
    const t11 = await readLines(part("2026-11-23T11", "2026-11-23T11"));
    assert.deepEqual(t11.map((e) => e.id), ["b1", "a2"]);
    for (const events of [t10, t11]) {
      assert.equal(new Set(events.map((e) => e.id)).size, events.length, "deduplicated by id");
      const times = events.map((e) => Date.parse(e.ts));
      assert.deepEqual(times, [...times].sort((x, y) => x - y), "sorted by ts");
    }
    assert.deepEqual(await listNames(`${spool}/drained`), ["a.jsonl", "b.jsonl"]);
    assert.deepEqual(await listNames(spool), []);
  });

  await t.step(
    "a file spooled after the drain stays in the spool, and the next drain writes a new part with only its events",
    async () => {
      const before = await readOutput(part("2026-11-23T11", "2026-11-23T11"));
      await spoolEvents(cluster.dataDir, "c", [
        { id: "late2", ts: "2026-11-23T11:50:00Z", v: "c" },
        { id: "late1", ts: "2026-11-23T11:45:00Z", v: "c" },
      ]);
      assert.deepEqual(await listNames(spool), ["c.jsonl"]);

      await drain(cluster, "2026-11-23T12");
      const late = await readLines(part("2026-11-23T11", "2026-11-23T12"));
      assert.deepEqual(late.map((e) => e.id), ["late1", "late2"]);
      assert.equal(
        await readOutput(part("2026-11-23T11", "2026-11-23T11")),
        before,
        "the first part of the hour is untouched",
      );
      assert.deepEqual(await listNames(`${spool}/drained`), ["a.jsonl", "b.jsonl", "c.jsonl"]);
      assert.deepEqual(await listNames(spool), []);
      const hours = [];
      for await (const e of Deno.readDir(`${cluster.dataDir}/partitions/v1`)) hours.push(e.name);
      assert.deepEqual(hours.sort(), ["2026-11-23T10", "2026-11-23T11"], "no part for T12");
    },
  );
});

Deno.test("DrainSpool orders a part by time, also when timestamps carry offsets or fractions", async () => {
  await using cluster = await startExampleCluster("spool-order");
  await spoolEvents(cluster.dataDir, "mixed", [
    { id: "z1", ts: "2026-11-23T10:20:00Z" },
    { id: "z2", ts: "2026-11-23T11:10:00+01:00" }, // 10:10 UTC
    { id: "z3", ts: "2026-11-23T10:30:00.500Z" },
    { id: "z4", ts: "2026-11-23T10:30:00Z" },
  ]);
  await drain(cluster, "2026-11-23T10");
  const events = await readLines(
    `${cluster.dataDir}/partitions/v1/2026-11-23T10/part-2026-11-23T10.jsonl`,
  );
  assert.deepEqual(events.map((e) => e.id), ["z2", "z1", "z4", "z3"]);
});

Deno.test("DrainSpool never moves a spool file to drained/ before all of its events are in parts", async () => {
  await using cluster = await startExampleCluster("spool-late");
  const spool = `${cluster.dataDir}/spool`;
  await spoolEvents(cluster.dataDir, "a", [
    { id: "a1", ts: "2026-11-23T10:05:00Z" },
    { id: "a2", ts: "2026-11-23T11:05:00Z" },
  ]);
  // One part of the coming drain is written first, as when a drain's parts run one after
  // another (more hours than slots, or a retry)…
  const early = await cluster.api.submit("PartitionHour", {
    hour: "2026-11-23T10",
    until: "2026-11-23T11",
  });
  assert.equal(
    (await waitForRun(cluster.api, early.runId, { timeoutMs: 30_000 })).state,
    "done",
  );
  // …then a producer drops a file with events in both hours before the other part runs.
  await spoolEvents(cluster.dataDir, "c", [
    { id: "c1", ts: "2026-11-23T10:40:00Z" },
    { id: "c2", ts: "2026-11-23T11:40:00Z" },
  ]);
  await drain(cluster, "2026-11-23T11");

  const partitioned = async () => {
    const ids = new Set<string>();
    for await (const hour of Deno.readDir(`${cluster.dataDir}/partitions/v1`)) {
      for (const name of await listNames(`${cluster.dataDir}/partitions/v1/${hour.name}`)) {
        if (!name.endsWith(".jsonl")) continue;
        const events = await readLines(`${cluster.dataDir}/partitions/v1/${hour.name}/${name}`);
        for (const e of events) ids.add(e.id);
      }
    }
    return ids;
  };
  const inParts = await partitioned();
  const drained = await listNames(`${spool}/drained`);
  assert.ok(drained.includes("a.jsonl"), `drained: ${drained.join(", ")}`);
  for (const name of drained) {
    for (const e of await readLines(`${spool}/drained/${name}`)) {
      assert.ok(
        inParts.has(e.id),
        `event "${e.id}" of ${name} was moved to drained/ but is in no part (lost)`,
      );
    }
  }

  // Whatever this drain left in the spool, the next one partitions.
  await drain(cluster, "2026-11-23T12");
  assert.deepEqual(await listNames(spool), []);
  assert.deepEqual([...await partitioned()].sort(), ["a1", "a2", "c1", "c2"]);
});
