/**
 * Keeps deploy/'s host pieces honest without a container engine or systemd:
 * the systemd unit key by key, the env example against worker/config.ts, and
 * the Dockerfile's COPY and RUN steps replayed in a temporary directory to
 * start a real hub. (The Kubernetes manifests: `deploy_test.ts`.)
 */
import assert from "node:assert/strict";
import { ProcessHandle } from "../testing/process_handle.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const read = (path: string) => Deno.readTextFile(`${ROOT}${path}`);

/** `Key=value` lines per `[Section]` of a systemd unit (repeated keys joined by a space). */
function unitSections(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const eq = line.indexOf("=");
    assert.ok(current && eq > 0, `not a unit line: "${line}"`);
    const key = line.slice(0, eq);
    const prev = current.get(key);
    current.set(key, prev === undefined ? line.slice(eq + 1) : `${prev} ${line.slice(eq + 1)}`);
  }
  return sections;
}

Deno.test("drover-worker.service is hardened and outlasts the worker's grace period on stop", async () => {
  const unit = unitSections(await read("deploy/systemd/drover-worker.service"));
  const service = unit.get("Service");
  assert.ok(service && unit.get("Unit") && unit.get("Install")?.get("WantedBy"));
  const expected: Record<string, string | RegExp> = {
    User: /^\w+$/,
    ExecStart: /^\//,
    EnvironmentFile: "/etc/drover/worker.env",
    Restart: "on-failure",
    KillSignal: "SIGTERM",
    StateDirectory: /^\S+$/,
    NoNewPrivileges: "yes",
    ProtectSystem: "strict",
    ReadWritePaths: /\S/,
  };
  for (const [key, want] of Object.entries(expected)) {
    const got = service.get(key);
    assert.ok(got !== undefined, `[Service] lacks ${key}=`);
    if (typeof want === "string") assert.equal(got, want, key);
    else assert.match(got, want, key);
  }
  assert.notEqual(service.get("User"), "root");

  const env = await read("deploy/systemd/worker.env.example");
  const graceMs = Number(/^DROVER_WORKER_GRACE_MS=(\d+)$/m.exec(env)?.[1] ?? 30_000);
  const stopSec = Number(/^(\d+)s?$/.exec(service.get("TimeoutStopSec") ?? "")?.[1]);
  assert.ok(
    stopSec * 1000 > Math.max(graceMs, 30_000),
    `TimeoutStopSec=${stopSec}s vs ${graceMs} ms`,
  );

  // The state and data directories the unit sets are writable under ProtectSystem=strict.
  const writable = [
    `/var/lib/${service.get("StateDirectory")}`,
    ...service.get("ReadWritePaths")!.split(/\s+/).map((p) => p.replace(/^-/, "")),
  ];
  for (const name of ["DROVER_WORKER_STATE_DIR", "DROVER_DATA_DIR"]) {
    const dir = new RegExp(`(?:^| )${name}=(\\S+)`).exec(service.get("Environment") ?? "")?.[1];
    assert.ok(dir, `the unit sets ${name}`);
    assert.ok(writable.some((w) => dir === w || dir.startsWith(`${w}/`)), `${dir} is not writable`);
  }
});

Deno.test({
  name: "systemd-analyze verify accepts drover-worker.service",
  ignore: !(await Deno.stat("/usr/bin/systemd-analyze").then(() => true, () => false)),
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "drover-unit-" });
    try {
      // verify insists that ExecStart exists; the binary is not installed here.
      const unit = (await read("deploy/systemd/drover-worker.service"))
        .replace(/^ExecStart=\S+/m, "ExecStart=/bin/true");
      await Deno.writeTextFile(`${dir}/drover-worker.service`, unit);
      const out = await new Deno.Command("/usr/bin/systemd-analyze", {
        args: ["verify", `${dir}/drover-worker.service`],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
      assert.equal(out.code, 0, text);
      assert.doesNotMatch(
        text,
        /drover-worker\.service:\d+:/,
        "no warning on any line of the unit",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("worker.env.example documents every variable worker/config.ts reads", async () => {
  const env = await read("deploy/systemd/worker.env.example");
  const names = new Set((await read("worker/config.ts")).match(/\bDROVER_[A-Z_]+(?=:)/g));
  assert.ok(names.size >= 8, `found ${[...names].join(", ")}`);
  for (const name of [...names, "DROVER_TASK_MODULES"]) {
    assert.match(env, new RegExp(`^#?${name}=`, "m"), `${name} is missing`);
  }
});

Deno.test("deploy/Dockerfile.hub's COPY and RUN steps give a hub that serves /readyz", async () => {
  const dockerfile = await read("deploy/Dockerfile.hub");
  const dir = await Deno.makeTempDir({ prefix: "drover-image-" });
  try {
    // Replay the build: COPY sources (relative to the repository) into the workdir, RUN deno steps.
    let runs = 0;
    for (const line of dockerfile.split("\n")) {
      const copy = /^COPY\s+(?:--chown=\S+\s+)?(.+)$/.exec(line);
      if (copy) {
        const parts = copy[1]!.trim().split(/\s+/);
        const dest = parts.pop()!;
        for (const src of parts) {
          const target = dest.endsWith("/") && dest !== "./" ? `${dir}/${dest}` : `${dir}/${src}`;
          await new Deno.Command("cp", { args: ["-r", `${ROOT}${src}`, target] }).output()
            .then((o) => assert.equal(o.code, 0, `cp ${src}`));
        }
      }
      const run = /^RUN\s+deno\s+(.+)$/.exec(line);
      if (run) {
        runs++;
        const out = await new Deno.Command(Deno.execPath(), {
          args: run[1]!.trim().split(/\s+/),
          cwd: dir,
          env: { NO_COLOR: "1" },
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      }
    }
    assert.equal(runs, 1, "one RUN deno step");
    const cmd = JSON.parse(/^CMD\s+(\[.*\])$/m.exec(dockerfile)?.[1] ?? "null") as string[];
    assert.deepEqual(cmd.slice(0, 1), ["deno"]);

    const child = new Deno.Command(Deno.execPath(), {
      args: cmd.slice(1),
      cwd: dir,
      env: { DROVER_DB_URL: `file:${dir}/hub.db`, DROVER_PORT: "0", DROVER_HOST: "127.0.0.1" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    await using hub = new ProcessHandle(child, "image-hub");
    const listening = await hub.waitFor((l) => l.msg === "hub listening", 30_000);
    const res = await fetch(`${listening.url}/readyz`);
    assert.equal(res.status, 200, await res.text());
    // As PID 1 of the container, `deno task` must pass SIGTERM on to the hub.
    const status = await hub.stop();
    await hub.waitFor((l) => l.msg === "hub stopped", 1_000, '"hub stopped"');
    assert.equal(status.code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
