/**
 * deploy/prometheus is checked by the real promtool (Debian's `prometheus`
 * package; `.ci/run` installs it): the rules load, their unit tests pass, and
 * fail once a threshold is broken; every alert has a severity, a summary, a
 * description naming its runbook section, and a test that fires it and one
 * that leaves it silent; the example configuration loads.
 */
import assert from "node:assert/strict";
import { INSTALL_PROMETHEUS, requireBinary } from "../testing/require_binary.ts";

const DIR = new URL("../deploy/prometheus/", import.meta.url).pathname;

async function promtool(...args: string[]): Promise<{ ok: boolean; output: string }> {
  const { success, stdout, stderr } = await new Deno.Command(
    requireBinary("promtool", INSTALL_PROMETHEUS),
    { args, stdout: "piped", stderr: "piped" },
  ).output();
  const text = new TextDecoder();
  return { ok: success, output: text.decode(stdout) + text.decode(stderr) };
}

/** The alerts of alerts.yml, each with the text of its rule. */
async function alerts(): Promise<Map<string, string>> {
  const text = await Deno.readTextFile(`${DIR}alerts.yml`);
  const rules = new Map<string, string>();
  for (const block of text.split(/^ {6}- alert: /m).slice(1)) {
    rules.set(block.slice(0, block.indexOf("\n")).trim(), block);
  }
  return rules;
}

Deno.test("promtool finds the alert rules valid and their unit tests passing", async () => {
  const check = await promtool("check", "rules", `${DIR}alerts.yml`);
  assert.ok(check.ok, check.output);
  assert.match(check.output, new RegExp(`SUCCESS: ${(await alerts()).size} rules found`));
  const test = await promtool("test", "rules", `${DIR}alerts_test.yml`);
  assert.ok(test.ok, test.output);
  assert.match(test.output, /SUCCESS/);
});

Deno.test("the unit tests fail once the failure-rate threshold is broken (5 % → 50 %)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-rules-" });
  try {
    const rules = await Deno.readTextFile(`${DIR}alerts.yml`);
    const broken = rules.replace(/^( {10}> )0\.05$/m, "$10.5");
    assert.notEqual(broken, rules, "the failure-rate threshold is where this test expects it");
    await Deno.writeTextFile(`${dir}/alerts.yml`, broken);
    await Deno.copyFile(`${DIR}alerts_test.yml`, `${dir}/alerts_test.yml`);
    assert.ok((await promtool("check", "rules", `${dir}/alerts.yml`)).ok, "still valid rules");
    const test = await promtool("test", "rules", `${dir}/alerts_test.yml`);
    assert.equal(test.ok, false, test.output);
    assert.match(test.output, /FAILED/);
    assert.match(test.output, /alertname: DroverTaskFailureRateHigh/);
    assert.doesNotMatch(test.output, /alertname: Drover(?!TaskFailureRateHigh)\w+/, test.output);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every alert has a severity, a summary and a description naming its runbook section", async () => {
  const runbook = await Deno.readTextFile(`${DIR}RUNBOOK.md`);
  const rules = await alerts();
  assert.ok(rules.size >= 8, `${rules.size} alerts`);
  for (const [name, rule] of rules) {
    assert.match(rule, /^ +severity: (page|warning)$/m, `${name}: severity`);
    assert.match(rule, /^ +summary: "[^"]+"$/m, `${name}: summary`);
    const anchor = name.toLowerCase();
    assert.match(rule, new RegExp(`description: ".*Runbook step: RUNBOOK\\.md#${anchor}\\b`), name);
    assert.match(rule, new RegExp(`runbook_url: "deploy/prometheus/RUNBOOK\\.md#${anchor}"`), name);
    assert.match(runbook, new RegExp(`^## ${name}$`, "m"), `RUNBOOK.md has no section ${name}`);
  }
});

Deno.test("each alert has a unit test that fires it and one that leaves it silent", async () => {
  const text = await Deno.readTextFile(`${DIR}alerts_test.yml`);
  const seen = new Map<string, { fires: number; silent: number }>();
  for (const m of text.matchAll(/alertname: (\w+)\n +exp_alerts:( \[\])?/g)) {
    const entry = seen.get(m[1]!) ?? { fires: 0, silent: 0 };
    if (m[2]) entry.silent++;
    else entry.fires++;
    seen.set(m[1]!, entry);
  }
  for (const name of (await alerts()).keys()) {
    const entry = seen.get(name);
    assert.ok(entry && entry.fires > 0, `no test fires ${name}`);
    assert.ok(entry.silent > 0, `no test shows ${name} silent`);
  }
});

Deno.test("the example prometheus.yml loads, with a bearer token from a file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-prometheus-config-" });
  try {
    const config = await Deno.readTextFile(`${DIR}prometheus.yml`);
    assert.match(config, /credentials_file: \/etc\/prometheus\/drover-token/);
    await Deno.writeTextFile(`${dir}/drover-token`, "drv_tok_000000000000_x\n");
    await Deno.writeTextFile(
      `${dir}/prometheus.yml`,
      config.replace(
        "credentials_file: /etc/prometheus/drover-token",
        `credentials_file: ${dir}/drover-token`,
      ),
    );
    await Deno.copyFile(`${DIR}alerts.yml`, `${dir}/alerts.yml`);
    const check = await promtool("check", "config", `${dir}/prometheus.yml`);
    assert.ok(check.ok, check.output);
    assert.match(check.output, /SUCCESS: 1 rule files found/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
