import assert from "node:assert/strict";
import { COMMANDS, GLOBAL_OPTIONS, OPTIONS } from "./command_specs.ts";

Deno.test("every command takes known options, none two of one name or one short letter", () => {
  for (const command of COMMANDS) {
    const keys = [...GLOBAL_OPTIONS, ...command.options];
    for (const key of [...keys, ...(command.required ?? [])]) {
      assert.ok(Object.hasOwn(OPTIONS, key), `${command.name}: unknown option key "${key}"`);
    }
    const names = keys.map((key) => OPTIONS[key]!.name);
    assert.equal(new Set(names).size, names.length, `${command.name}: ${names.join(", ")}`);
    const shorts = keys.flatMap((key) => OPTIONS[key]!.short ?? []);
    assert.equal(new Set(shorts).size, shorts.length, `${command.name}: ${shorts.join(", ")}`);
  }
});

Deno.test("only --run names two options: the RUN_ID of tasks, the flag of retry and cancel", () => {
  const byName = Object.groupBy(Object.values(OPTIONS), (o) => o.name);
  const shared = Object.entries(byName).filter(([, specs]) => (specs?.length ?? 0) > 1);
  assert.deepEqual(shared.map(([name, specs]) => [name, specs!.map((s) => s.kind)]), [
    ["run", ["value", "flag"]],
  ]);
});
