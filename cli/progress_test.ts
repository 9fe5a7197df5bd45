import assert from "node:assert/strict";
import type { RunStatus } from "../shared/api_schemas.ts";
import { fakeRun } from "./fake_answers.ts";
import {
  createProgressReporter,
  fitLine,
  formatProgress,
  formatTally,
  formatUnexpanded,
} from "./progress.ts";

function run(counts: Record<string, number>, total: number): RunStatus {
  return fakeRun({ state: "running", finishedAt: null, total, counts });
}

Deno.test("formatProgress() draws the bar, the counts and the elapsed time", () => {
  assert.equal(
    formatProgress(run({ done: 7, leased: 2, waiting: 2 }, 11), 1234),
    "[######----] 7/11 done · 2 running · 0 failed · 1.2s",
  );
  assert.equal(
    formatProgress(run({ done: 11 }, 11), 61_000),
    "[##########] 11/11 done · 0 running · 0 failed · 1m 01s",
  );
});

Deno.test("formatProgress() fills the bar only when every task is done", () => {
  assert.match(formatProgress(run({ done: 99, leased: 1 }, 100), 0), /^\[#########-\] 99\/100/);
  assert.match(formatProgress(run({}, 0), 0), /^\[----------\] 0\/0 done/);
});

Deno.test("formatUnexpanded() says the graph is not known yet instead of a total", () => {
  assert.equal(formatUnexpanded("ready", 300), "[----------] waiting to expand the graph… · 0.3s");
  assert.equal(formatUnexpanded("leased", 61_000), "[----------] expanding the graph… · 1m 01s");
});

Deno.test("formatTally() names the unit counted when there is one", () => {
  assert.equal(
    formatTally({ done: 3, total: 10, running: 2, failed: 1, unit: "days" }, 500),
    "[###-------] 3/10 days done · 2 running · 1 failed · 0.5s",
  );
});

Deno.test("a progress reporter on a terminal redraws one line and clears it at the end", () => {
  let text = "";
  let now = 1000;
  const reporter = createProgressReporter({
    write: (t) => (text += t),
    tty: true,
    now: () => now,
    elapsedMs: () => now - 1000,
    format: formatProgress,
    columns: () => null,
  });
  reporter.update(run({ leased: 1 }, 1));
  now += 200;
  reporter.update(run({ done: 1 }, 1));
  reporter.end();
  assert.equal(
    text,
    "\r[----------] 0/1 done · 1 running · 0 failed · 0.0s\x1b[K" +
      "\r[##########] 1/1 done · 0 running · 0 failed · 0.2s\x1b[K" +
      "\r\x1b[K",
  );
});

Deno.test("a progress reporter without a terminal prints a line at most once per second", () => {
  const lines: string[] = [];
  let now = 0;
  const reporter = createProgressReporter({
    write: (t) => lines.push(t),
    tty: false,
    now: () => now,
    elapsedMs: () => now,
    format: formatProgress,
    columns: () => null,
  });
  for (let i = 0; i < 12; i++) {
    reporter.update(run({ done: i }, 20));
    now += 200;
  }
  reporter.end();
  assert.deepEqual(lines, [
    "[----------] 0/20 done · 0 running · 0 failed · 0.0s\n",
    "[##--------] 5/20 done · 0 running · 0 failed · 1.0s\n",
    "[#####-----] 10/20 done · 0 running · 0 failed · 2.0s\n",
  ]);
});

Deno.test("fitLine() keeps a line off the terminal's last column, ending a cut one with …", () => {
  assert.equal(fitLine("abcdef", 7), "abcdef");
  assert.equal(fitLine("abcdef", 6), "abcd…");
  assert.equal(fitLine("a · b · c", 6), "a · …");
  assert.equal(fitLine("abcdef", null), "abcdef");
});
