/**
 * Webhooks: create, list, delete; and a delivery, which starts a run of the
 * hook's family when its signature checks out (GitHub's scheme: the header
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` with the
 * hook's secret), with parameters taken from the payload. A delivery's
 * idempotency key (a header, or a payload field) makes a repeat find the
 * first run instead of making a second.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { CreateHook, Hook } from "../../shared/api_schemas_hooks.ts";
import { newId } from "../db/new_id.ts";
import { randomSecret } from "../db/random_secret.ts";
import { acceptDelivery } from "../ops/deliveries.ts";
import { deleteHook, hookByName, type HookRow, insertHook, listHooks } from "../ops/hooks.ts";
import type { CommandDeps } from "./run_commands.ts";
import { findFamily } from "./find_family.ts";
import { checkParamNames, keyAt, paramsFromPayload, parsePayload } from "./payload_params.ts";
import { RequestError } from "./request_error.ts";

/** The signature header, as GitHub names it. */
export const SIGNATURE_HEADER = "X-Hub-Signature-256";

/** Webhooks. */
export class HookCommands {
  readonly #d: CommandDeps;

  constructor(deps: CommandDeps) {
    this.#d = deps;
  }

  /** Creates a hook; answers it with its secret (shown this once). */
  async create(r: CreateHook & { createdBy: string | null }): Promise<Hook & { secret: string }> {
    const { registry, queue } = this.#d;
    const family = await findFamily(registry, () => registry.reload(queue), r.family, r.version);
    checkParamNames(family, r.params, r.mapping);
    const row: HookRow = {
      id: newId("hook"),
      name: r.name,
      family: family.name,
      version: r.version ?? null,
      params: JSON.stringify(r.params),
      mapping: JSON.stringify(r.mapping),
      secret: r.secret ?? `whsec_${randomSecret(24)}`,
      key_header: "header" in r.idempotencyKey ? r.idempotencyKey.header : null,
      key_field: "field" in r.idempotencyKey ? r.idempotencyKey.field : null,
      priority: r.priority,
      created_by: r.createdBy,
      created_at: this.#d.now(),
    };
    if (!await queue.write((tx) => insertHook(tx, row))) {
      throw new RequestError(409, "hook_exists", `A hook named "${r.name}" exists already`, {
        field: "name",
      });
    }
    this.#d.log.info("hook created", { name: r.name, family: family.name });
    return { ...view(row), secret: row.secret };
  }

  /** Every hook, without secrets. */
  async list(): Promise<Hook[]> {
    return (await this.#d.queue.read(listHooks)).map(view);
  }

  /** Deletes it; its runs stay. */
  async delete(name: string): Promise<void> {
    if (!await this.#d.queue.write((tx) => deleteHook(tx, name))) throw notFound(name);
    this.#d.log.info("hook deleted", { name });
  }

  /** Accepts a signed delivery of `body` to the hook `name`. */
  async deliver(
    name: string,
    body: Uint8Array,
    headers: Headers,
  ): Promise<{ hook: string; key: string; runId: string; duplicate: boolean }> {
    const { queue, registry } = this.#d;
    const hook = await queue.read((db) => hookByName(db, name));
    if (!hook) throw notFound(name);
    checkSignature(hook.secret, body, headers.get(SIGNATURE_HEADER));
    const payload = parsePayload(body, "The delivery's body");
    const key = hook.key_header !== null
      ? headers.get(hook.key_header)
      : keyAt(payload, hook.key_field!);
    if (!key || key.length > 200) {
      const where = hook.key_header !== null
        ? `header ${hook.key_header}`
        : `field ${hook.key_field}`;
      throw new RequestError(
        400,
        "missing_idempotency_key",
        `The delivery has no idempotency key (${where}, a string or number of at most 200 characters)`,
        { field: hook.key_header ?? hook.key_field! },
      );
    }
    const params = paramsFromPayload(hook, payload);
    const family = await findFamily(
      registry,
      () => registry.reload(queue),
      hook.family,
      hook.version ?? undefined,
    );
    let parsed: { params: unknown; id: string };
    try {
      parsed = registry.parseSubmission(family, params);
    } catch (error) {
      const e = error as Error & { field?: string | null };
      throw new RequestError(400, "invalid_params", e.message, { field: e.field ?? "params" });
    }
    const now = this.#d.now();
    const result = await queue.write((tx) =>
      acceptDelivery(tx, {
        source: { kind: "hook", ...hook },
        key,
        taskId: parsed.id,
        version: family.version,
        params: parsed.params,
        families: registry.defaults,
        now,
      })
    );
    if (!result.duplicate) this.#d.dispatcher.kick(true);
    this.#d.log.info("hook delivery", {
      name,
      key,
      runId: result.runId,
      duplicate: result.duplicate,
    });
    return { hook: name, key, ...result };
  }
}

/** 403 unless `header` is `sha256=` and the hex HMAC-SHA256 of `body` with `secret`. */
function checkSignature(secret: string, body: Uint8Array, header: string | null): void {
  const expected = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const given = new TextEncoder().encode(header ?? "");
  const want = new TextEncoder().encode(expected);
  if (given.length !== want.length || !timingSafeEqual(given, want)) {
    throw new RequestError(
      403,
      "bad_signature",
      header === null
        ? `The delivery has no ${SIGNATURE_HEADER} header (sha256= and the hex HMAC-SHA256 of the body with the hook's secret)`
        : `${SIGNATURE_HEADER} does not match the body signed with the hook's secret`,
    );
  }
}

function view(h: HookRow): Hook {
  return {
    id: h.id,
    name: h.name,
    family: h.family,
    version: h.version,
    params: JSON.parse(h.params),
    mapping: JSON.parse(h.mapping),
    idempotencyKey: h.key_header !== null ? { header: h.key_header } : { field: h.key_field! },
    priority: h.priority,
    url: `/api/hooks/${encodeURIComponent(h.name)}`,
    createdBy: h.created_by,
    createdAt: h.created_at,
  };
}

function notFound(name: string): RequestError {
  return new RequestError(404, "hook_not_found", `No hook is named "${name}"`);
}
