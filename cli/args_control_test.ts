// parseArgs() on the commands that act on runs, tasks, pauses, tokens and resources.
import assert from "node:assert/strict";
import { parseArgs } from "./args.ts";

Deno.test("parseArgs() takes what retry and cancel act on from --run or --task, else leaves it to the hub", () => {
  assert.deepEqual(parseArgs(["retry", "run_1", "--wait"]).command, {
    name: "retry",
    id: "run_1",
    target: null,
    wait: true,
  });
  assert.deepEqual(parseArgs(["retry", "--run", "run_1", "-w"]).command, {
    name: "retry",
    id: "run_1",
    target: "run",
    wait: true,
  });
  // A task family named "run" has ids that start with run_: the flag, not the prefix, decides.
  assert.deepEqual(parseArgs(["retry", "run_2026-11-23_ab", "--task"]).command, {
    name: "retry",
    id: "run_2026-11-23_ab",
    target: "task",
    wait: false,
  });
  assert.deepEqual(parseArgs(["retry", "A_1_ab"]).command, {
    name: "retry",
    id: "A_1_ab",
    target: null,
    wait: false,
  });
  assert.throws(() => parseArgs(["retry", "A_1_ab", "--task", "--wait"]), {
    name: "UsageError",
    message: 'Option "--wait" follows a run, not a task (--task)',
  });
  assert.deepEqual(parseArgs(["cancel", "run_1", "--reason", "wrong day", "--run"]).command, {
    name: "cancel",
    id: "run_1",
    target: "run",
    reason: "wrong day",
  });
  assert.deepEqual(parseArgs(["cancel", "A_1_ab"]).command, {
    name: "cancel",
    id: "A_1_ab",
    target: null,
    reason: null,
  });
  assert.deepEqual(parseArgs(["cancel", "--task", "A_1_ab"]).command, {
    name: "cancel",
    id: "A_1_ab",
    target: "task",
    reason: null,
  });
});

Deno.test("parseArgs() refuses --run with --task, and a value on either", () => {
  assert.throws(() => parseArgs(["retry", "run_1", "--run", "--task"]), {
    name: "UsageError",
    message: 'Options "--run" and "--task" exclude each other; usage: drover retry ID [--run] ' +
      "[--task] [--wait]",
  });
  assert.throws(() => parseArgs(["cancel", "run_1", "--task", "--run"]), {
    name: "UsageError",
    message: /^Options "--run" and "--task" exclude each other; usage: drover cancel ID /,
  });
  assert.throws(() => parseArgs(["retry", "--run=run_1"]), {
    name: "UsageError",
    message: 'Option "--run" takes no value (got "--run=run_1")',
  });
});

Deno.test("parseArgs() reads --run as tasks' RUN_ID, and refuses retry's --task elsewhere", () => {
  assert.deepEqual(parseArgs(["tasks", "--run", "run_1"]).command, {
    name: "tasks",
    run: "run_1",
    state: null,
    family: null,
    limit: null,
  });
  assert.throws(() => parseArgs(["tasks", "--run"]), /"--run" needs a value: --run RUN_ID/);
  assert.throws(() => parseArgs(["runs", "--run", "x"]), {
    name: "UsageError",
    message: /^Option "--run" does not apply to "runs"; usage: /,
  });
  assert.throws(() => parseArgs(["done", "A_1", "--task"]), /"--task" does not apply to "done"/);
});

Deno.test("parseArgs() wants a --reason to mark a task done", () => {
  assert.deepEqual(parseArgs(["done", "A_1_ab", "--reason", "loaded by hand"]).command, {
    name: "done",
    taskId: "A_1_ab",
    reason: "loaded by hand",
  });
  assert.throws(() => parseArgs(["done", "A_1_ab"]), {
    name: "UsageError",
    message: 'Missing --reason for "done"; usage: drover done TASK_ID --reason TEXT',
  });
});

Deno.test("parseArgs() reads pause, resume and pauses", () => {
  assert.deepEqual(parseArgs(["pause", "region", "eu-west", "--reason", "upgrade"]).command, {
    name: "pause",
    kind: "region",
    value: "eu-west",
    reason: "upgrade",
  });
  assert.deepEqual(parseArgs(["resume", "family", "ExtractRaw"]).command, {
    name: "resume",
    kind: "family",
    value: "ExtractRaw",
  });
  assert.deepEqual(parseArgs(["pauses"]).command, { name: "pauses" });
  assert.throws(() => parseArgs(["pause", "worker", "w1"]), {
    name: "UsageError",
    message: 'Cannot pause "worker": use "pause family NAME" or "pause region NAME"',
  });
  assert.throws(() => parseArgs(["pause", "family"]), /Missing NAME for "pause"/);
  assert.throws(() => parseArgs(["resume", "family", "A", "--reason", "x"]), /does not apply/);
});

Deno.test("parseArgs() reads token actions, checking the role and that only workers get a scope", () => {
  assert.deepEqual(parseArgs(["token", "create", "--role", "viewer", "--name", "ci"]).command, {
    name: "token",
    action: "create",
    id: null,
    role: "viewer",
    scope: null,
    tokenName: "ci",
  });
  assert.equal((parseArgs(["token", "generate"]).command as { action: string }).action, "generate");
  assert.deepEqual(parseArgs(["token", "create", "--scope", "region=eu-west,zone=b"]).command, {
    name: "token",
    action: "create",
    id: null,
    role: null,
    scope: { region: "eu-west", zone: "b" },
    tokenName: null,
  });
  assert.throws(() => parseArgs(["token", "create", "--scope", "region"]), {
    name: "UsageError",
    message: /^Invalid --scope "region": expected name=value/,
  });
  assert.throws(() => parseArgs(["token", "create", "--role", "root"]), {
    name: "UsageError",
    message: 'Option "--role" got "root"; use one of: admin, operator, viewer, worker',
  });
  assert.throws(
    () => parseArgs(["token", "create", "--role", "admin", "--scope", "region=eu"]),
    /Option "--scope" applies to worker tokens only, not to admin tokens$/,
  );
  assert.throws(
    () => parseArgs(["token", "generate", "--role", "admin"]),
    /"--role" applies to "token create" only/,
  );
  assert.throws(() => parseArgs(["token", "mint"]), /use create, list, revoke or generate/);
});

Deno.test("parseArgs() reads audit filters and resources with its optional set", () => {
  assert.deepEqual(parseArgs(["audit", "--action", "run.retry", "--limit", "3"]).command, {
    name: "audit",
    action: "run.retry",
    actor: null,
    target: null,
    limit: 3,
    cursor: null,
  });
  assert.deepEqual(parseArgs(["audit", "--actor", "ci", "--target", "run_1"]).command, {
    name: "audit",
    action: null,
    actor: "ci",
    target: "run_1",
    limit: null,
    cursor: null,
  });
  assert.deepEqual(parseArgs(["resources"]).command, { name: "resources", set: null });
  assert.deepEqual(parseArgs(["resources", "set", "gpu", "4"]).command, {
    name: "resources",
    set: { name: "gpu", limit: 4 },
  });
  assert.throws(() => parseArgs(["resources", "gpu"]), /Unknown resources action "gpu"/);
  assert.throws(() => parseArgs(["resources", "set", "gpu"]), /Missing LIMIT for "resources set"/);
  assert.throws(
    () => parseArgs(["resources", "set", "gpu", "1e3"]),
    /LIMIT needs an integer from 0 to 1000000, got "1e3"$/,
  );
});

Deno.test("parseArgs() reads hub and worker, which take no arguments and no global option", () => {
  assert.deepEqual(parseArgs(["hub"]).command, { name: "hub" });
  assert.deepEqual(parseArgs(["worker"]).command, { name: "worker" });
  assert.deepEqual(parseArgs(["worker", "--help"]).command, { name: "help", topic: "worker" });
  for (const option of [["--url", "http://x"], ["--token", "t"], ["--json"]]) {
    assert.throws(() => parseArgs(["hub", ...option]), {
      name: "UsageError",
      message: `Option "${option[0]}" does not apply to "hub": it runs a hub here, ` +
        "configured by DROVER_* variables (see the README's Configuration)",
    });
  }
  assert.throws(
    () => parseArgs(["--token", "t", "worker"]),
    /"--token" does not apply to "worker"/,
  );
  assert.throws(() => parseArgs(["worker", "examples/tasks.ts"]), {
    name: "UsageError",
    message: 'Unexpected argument "examples/tasks.ts" for "worker"; usage: drover worker',
  });
});
