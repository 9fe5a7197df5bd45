/**
 * Keeps deploy/'s Kubernetes manifests honest without a cluster: they are
 * checked line by line (no YAML parser is in the import map). The systemd
 * unit, the env example and the Dockerfile: `deploy_host_test.ts`.
 */
import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url).pathname;
const read = (path: string) => Deno.readTextFile(`${ROOT}${path}`);

/** One YAML document of a manifest file, with its identifying fields. */
interface Manifest {
  file: string;
  kind?: string;
  apiVersion?: string;
  name?: string;
  text: string;
}

/** Splits a manifest file into documents and reads `apiVersion`, `kind`, `metadata.name`. */
function manifests(file: string, text: string): Manifest[] {
  return text.split(/^---[ \t]*$/m)
    .filter((doc) => doc.split("\n").some((l) => l.trim() && !l.trim().startsWith("#")))
    .map((doc) => ({
      file,
      apiVersion: /^apiVersion:[ \t]*(\S+)/m.exec(doc)?.[1],
      kind: /^kind:[ \t]*(\S+)/m.exec(doc)?.[1],
      name: /^metadata:[ \t]*\n(?:[ \t]+.*\n)*? {2}name:[ \t]*(\S+)/m.exec(doc)?.[1],
      text: doc,
    }));
}

/** The value of `key` in the block that starts with `block:` (e.g. a probe's `path`). */
function valueUnder(text: string, block: string, key: string): string | undefined {
  const m = new RegExp(`^( *)${block}:[ \\t]*\\n((?:\\1 +.*\\n)+)`, "m").exec(text);
  return m ? new RegExp(`^ *${key}:[ \\t]*(\\S+)`, "m").exec(m[2]!)?.[1] : undefined;
}

/** `- name: X` followed by `value: Y` in a container's env list. */
function envValue(text: string, name: string): string | undefined {
  return new RegExp(`- name: ${name}\\n +value: "?([^"\\n]+)"?`).exec(text)?.[1];
}

async function loadManifests(): Promise<Manifest[]> {
  const all: Manifest[] = [];
  for await (const entry of Deno.readDir(`${ROOT}deploy/kubernetes`)) {
    if (!/\.ya?ml$/.test(entry.name)) continue;
    all.push(...manifests(entry.name, await read(`deploy/kubernetes/${entry.name}`)));
  }
  return all;
}

Deno.test("every Kubernetes manifest document has apiVersion, kind and metadata.name, and no tabs", async () => {
  const all = await loadManifests();
  assert.ok(all.length >= 4, `found ${all.length} documents`);
  for (const m of all) {
    const where = `${m.file} (${m.kind ?? "?"} ${m.name ?? "?"})`;
    assert.ok(m.apiVersion && m.kind && m.name, `${where} lacks apiVersion, kind or metadata.name`);
    assert.ok(!m.text.includes("\t"), `${where} contains a tab`);
    for (const line of m.text.split("\n")) {
      const indent = /^ */.exec(line)![0].length;
      assert.ok(indent % 2 === 0 || !line.trim(), `${where}: odd indentation in "${line}"`);
    }
  }
});

Deno.test("hub.yaml runs two hubs on sqld with /healthz and /readyz probes", async () => {
  const all = await loadManifests();
  const hub = all.find((m) => m.kind === "Deployment" && m.name === "drover-hub");
  assert.ok(hub, "a Deployment named drover-hub");
  assert.match(hub.text, /^ {2}replicas: 2$/m);
  assert.equal(envValue(hub.text, "DROVER_HOST"), "0.0.0.0");
  assert.equal(valueUnder(hub.text, "livenessProbe", "path"), "/healthz");
  assert.equal(valueUnder(hub.text, "readinessProbe", "path"), "/readyz");
  assert.match(hub.text, /terminationGracePeriodSeconds: \d+/);
  assert.match(hub.text, /resources:\n +requests:/);

  // DROVER_DB_URL names the sqld Service and its port, in a scheme the hub accepts.
  const dbUrl = new URL(envValue(hub.text, "DROVER_DB_URL") ?? "missing:");
  assert.equal(dbUrl.protocol, "http:");
  const sqldService = all.find((m) => m.kind === "Service" && m.name === dbUrl.hostname);
  assert.ok(sqldService, `a Service named "${dbUrl.hostname}"`);
  assert.match(sqldService.text, new RegExp(`port: ${dbUrl.port}\\b`));
  const sqld = all.find((m) => m.kind === "StatefulSet" && m.name === "sqld");
  assert.ok(sqld, "a StatefulSet named sqld");
  assert.match(sqld.text, /image: ghcr\.io\/tursodatabase\/libsql-server:/);
  assert.match(sqld.text, /volumeClaimTemplates:/);
  assert.ok(all.some((m) => m.kind === "Service" && m.name === "drover-hub"));

  // Every DROVER_* variable the manifest sets is one the hub reads.
  const hubVars = await configVariables("hub/config.ts");
  for (const name of hub.text.match(/(?<=- name: )DROVER_[A-Z_]+/g) ?? []) {
    assert.ok(hubVars.has(name), `hub.yaml sets ${name}, which hub/config.ts does not read`);
  }
});

/** The `DROVER_*` variables a config schema (`hub/config.ts`, `worker/config.ts`) reads. */
async function configVariables(path: string): Promise<Set<string>> {
  return new Set((await read(path)).match(/\bDROVER_[A-Z_]+(?=:)/g));
}

/** `- name: X` taken from a Secret: the `secretKeyRef`'s `name` and `key`. */
function envSecret(text: string, name: string): { secret: string; key: string } | undefined {
  const m = new RegExp(
    `- name: ${name}\\n +valueFrom:\\n +secretKeyRef:\\n +name: (\\S+)\\n +key: (\\S+)`,
  ).exec(text);
  return m ? { secret: m[1]!, key: m[2]! } : undefined;
}

/**
 * A manifest's lines without comments, blank lines and the env entries named
 * in `drop` (each `- name:` line with the lines indented below it).
 */
function linesWithout(text: string, drop: string[]): string[] {
  const lines: string[] = [];
  let dropping = -1; // the indentation of the entry being dropped
  for (const line of text.split("\n")) {
    if (!line.trim() || line.trim().startsWith("#")) continue;
    const indent = /^ */.exec(line)![0].length;
    if (dropping >= 0 && indent > dropping) continue;
    dropping = -1;
    const entry = /^( *)- name: (\S+)$/.exec(line);
    if (entry && drop.includes(entry[2]!)) dropping = entry[1]!.length;
    else lines.push(line);
  }
  return lines;
}

Deno.test("postgres.yaml runs a CloudNativePG Cluster whose every acknowledged commit is on a standby", async () => {
  const all = await loadManifests();
  const clusters = all.filter((m) => m.kind === "Cluster");
  assert.equal(clusters.length, 1, "one Cluster in deploy/kubernetes");
  const cluster = clusters[0]!;
  assert.equal(cluster.file, "postgres.yaml");
  assert.equal(cluster.apiVersion, "postgresql.cnpg.io/v1");

  const instances = Number(/^ {2}instances: (\d+)$/m.exec(cluster.text)?.[1]);
  assert.ok(instances >= 2, `spec.instances is ${instances}: a primary needs a standby`);
  // Quorum commit on `number` standbys, with writes held (not run unreplicated)
  // while too few are up, and no promotion of a standby that may lack commits.
  assert.equal(valueUnder(cluster.text, "synchronous", "method"), "any");
  const number = Number(valueUnder(cluster.text, "synchronous", "number"));
  assert.ok(number >= 1, `synchronous.number is ${number}`);
  assert.ok(
    instances >= number + 2,
    `${instances} instances with ${number} synchronous: one standby down would stop every write`,
  );
  assert.equal(valueUnder(cluster.text, "synchronous", "dataDurability"), "required");
  assert.equal(valueUnder(cluster.text, "synchronous", "failoverQuorum"), "true");
  // The deprecated minSyncReplicas/maxSyncReplicas and the stanza exclude each other.
  assert.doesNotMatch(cluster.text, /^ *(?:min|max)SyncReplicas:/m);

  assert.equal(valueUnder(cluster.text, "initdb", "database"), "drover");
  assert.equal(valueUnder(cluster.text, "initdb", "owner"), "drover");
  assert.match(valueUnder(cluster.text, "storage", "size") ?? "", /^\d+[GT]i$/);
  assert.match(cluster.text, /^ {2}resources:\n +requests:/m);
});

Deno.test("hub-postgres.yaml runs hub.yaml's hubs on the Cluster's primary, through its app Secret", async () => {
  const all = await loadManifests();
  const cluster = all.find((m) => m.kind === "Cluster");
  const hub = all.find((m) => m.kind === "Deployment" && m.name === "drover-hub-postgres");
  const sqldHub = all.find((m) => m.kind === "Deployment" && m.name === "drover-hub");
  assert.ok(
    cluster && hub && sqldHub,
    "a Cluster and the Deployments drover-hub-postgres and drover-hub",
  );
  assert.equal(hub.file, "hub-postgres.yaml");
  assert.ok(Number(/^ {2}replicas: (\d+)$/m.exec(hub.text)?.[1]) >= 2, "two hubs or more");
  assert.equal(envValue(hub.text, "DROVER_HOST"), "0.0.0.0");
  assert.equal(valueUnder(hub.text, "startupProbe", "path"), "/healthz");
  assert.equal(valueUnder(hub.text, "livenessProbe", "path"), "/healthz");
  assert.equal(valueUnder(hub.text, "readinessProbe", "path"), "/readyz");

  // CloudNativePG writes the owner's URL, whose host is the <cluster>-rw
  // Service (always the primary), into the Secret <cluster>-app, key uri.
  assert.deepEqual(envSecret(hub.text, "DROVER_DB_URL"), {
    secret: `${cluster.name}-app`,
    key: "uri",
  });

  // The same Deployment as hub.yaml's but for the database: a change to one
  // variant's probes, image, resources or security belongs in both.
  assert.deepEqual(
    linesWithout(hub.text.replaceAll("drover-hub-postgres", "drover-hub"), ["DROVER_DB_URL"]),
    linesWithout(sqldHub.text, ["DROVER_DB_URL", "DROVER_DB_AUTH_TOKEN"]),
  );

  // Its Service and PodDisruptionBudget select its pods, not hub.yaml's.
  for (const kind of ["Service", "PodDisruptionBudget"]) {
    const doc = all.find((m) => m.kind === kind && m.name === "drover-hub-postgres");
    assert.ok(doc, `a ${kind} named drover-hub-postgres`);
    assert.equal(valueUnder(doc.text, "selector", "app\\.kubernetes\\.io/name"), hub.name);
  }

  // Every DROVER_* name the file mentions, comments included, is one the hub or a worker reads.
  const known = new Set([
    ...await configVariables("hub/config.ts"),
    ...await configVariables("worker/config.ts"),
  ]);
  for (
    const name of (await read("deploy/kubernetes/hub-postgres.yaml")).match(/\bDROVER_[A-Z_]+/g)!
  ) {
    assert.ok(known.has(name), `hub-postgres.yaml mentions ${name}, which no config reads`);
  }
});

Deno.test("no two Kubernetes manifests define the same object, so either variant can be applied", async () => {
  const seen = new Map<string, string>();
  for (const m of await loadManifests()) {
    const id = `${m.kind} ${m.name}`;
    assert.ok(!seen.has(id), `${id} is in both ${seen.get(id)} and ${m.file}`);
    seen.set(id, m.file);
  }
});
