/**
 * `/ui/tokens`: every token without its secret; admins create one (its
 * secret shown once, in a dialog) and revoke them.
 */
import type { FC } from "hono/jsx";
import type { TokenInfo } from "../../../shared/api_schemas_admin.ts";
import { ADMIN, READ } from "../../http/roles.ts";
import { listTokens } from "../../queries/tokens.ts";
import { ActionButton, apiPath } from "../action_button.tsx";
import { Empty, Labels, StateBadge, Time } from "../components.tsx";
import { PageHead } from "../layout.tsx";
import { may, uiPage } from "../page_route.tsx";
import type { UiApp, UiDeps } from "../ui_deps.ts";

/** Mounts `/ui/tokens`. */
export function tokensPage(app: UiApp, deps: UiDeps): void {
  uiPage(app, deps, { path: "/ui/tokens", nav: "tokens", allow: READ }, async (p) => {
    const tokens = await deps.core.read((db) => listTokens(db));
    const admin = may(p.principal, ADMIN);
    const live = tokens.filter((t) => t.revokedAt === null);
    return {
      title: "Tokens",
      body: (
        <>
          <PageHead
            title="Tokens"
            sub={`${live.length} live, ${tokens.length - live.length} revoked. ` +
              "Secrets are shown once, when a token is made."}
          />
          {admin ? <CreateForm /> : null}
          <div id="tokens-live" data-live="">
            {tokens.length === 0 ? <Empty title="No tokens" /> : (
              <table class="grid">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Id</th>
                    <th>Role</th>
                    <th>Scope</th>
                    <th>Created</th>
                    <th>Last used</th>
                    <th>State</th>
                    {admin ? <th></th> : null}
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((t) => <TokenRow key={t.id} t={t} now={p.now} admin={admin} />)}
                </tbody>
              </table>
            )}
          </div>
        </>
      ),
    };
  });
}

const TokenRow: FC<{ t: TokenInfo; now: number; admin: boolean }> = ({ t, now, admin }) => (
  <tr>
    <td class="wrap">{t.name}</td>
    <td class="mono small">{t.id}</td>
    <td>
      <span class={`badge role role-${t.role}`}>{t.role}</span>
    </td>
    <td>{t.role === "worker" ? <Labels labels={t.scope} /> : <span class="muted">—</span>}</td>
    <td>
      <Time at={t.createdAt} now={now} />
    </td>
    <td>
      <Time at={t.lastUsedAt} now={now} />
    </td>
    <td>
      {t.revokedAt === null ? <span class="muted small">live</span> : (
        <span class="chips">
          <StateBadge state="cancelled" /> <Time at={t.revokedAt} now={now} />
        </span>
      )}
    </td>
    {admin
      ? (
        <td class="actions">
          {t.revokedAt === null
            ? (
              <ActionButton
                url={apiPath("tokens", t.id)}
                method="DELETE"
                label="Revoke"
                danger
                title={`Revoke ${t.name}?`}
                confirm={`Token "${t.name}" (${t.id}, ${t.role}) stops working at once: ` +
                  "its UI sessions end and workers using it are disconnected. " +
                  "This cannot be undone."}
                done={`Revoked ${t.name}`}
              />
            )
            : null}
        </td>
      )
      : null}
  </tr>
);

const CreateForm: FC = () => (
  <section class="panel">
    <h3>Create a token</h3>
    <form class="form-row" data-api-form="/api/tokens" data-method="POST" data-then="secret">
      <label>
        Role
        <select name="role">
          <option value="viewer">viewer — read only</option>
          <option value="operator">operator — run and control</option>
          <option value="admin">admin — everything</option>
          <option value="worker">worker — connect a worker</option>
        </select>
      </label>
      <label>
        Name
        <input name="name" required maxlength={200} placeholder="who or what uses it" />
      </label>
      <button type="submit" class="btn primary">Create</button>
    </form>
  </section>
);
