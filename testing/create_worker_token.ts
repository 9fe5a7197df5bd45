/** Mints a worker token through a hub's admin API. */
import type { ApiClient } from "./api_client.ts";

/**
 * Creates a worker token (`POST /api/tokens`) as `api`'s token, with a scope
 * (default none) and a name (default "worker"); throws unless the hub
 * answers 201.
 */
export async function createWorkerToken(
  api: ApiClient,
  options: { scope?: Record<string, string>; name?: string } = {},
): Promise<string> {
  const { status, body } = await api.request<{ token: string }>("/api/tokens", {
    body: { role: "worker", scope: options.scope ?? {}, name: options.name ?? "worker" },
  });
  if (status !== 201) {
    throw new Error(`Cannot create a worker token at ${api.url}: ${JSON.stringify(body)}`);
  }
  return body.token;
}
