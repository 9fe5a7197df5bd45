/**
 * A small JSON client of a hub's admin API for tests, benchmarks and
 * scripts. It is given its bearer token: nothing here holds one of its own.
 *
 * @module
 */

/** A response: its status and its body parsed as JSON (`{}` when empty). */
export interface ApiResponse<T> {
  status: number;
  body: T;
}

/** One request; without `method` it is a GET, or a POST when it has a `body`. */
export interface ApiRequest {
  method?: string;
  body?: unknown;
  /** Another bearer token for this request only (null: none). */
  token?: string | null;
}

/** What `POST /api/runs` answers. */
export interface Submitted {
  runId: string;
  taskId: string;
  rootState: string;
}

/** A client of one hub's admin API, as one token. */
export interface ApiClient {
  /** The hub's base URL (`http://127.0.0.1:<port>`). */
  readonly url: string;
  /** The bearer token sent with every request (null: none). */
  readonly token: string | null;
  /** Any request; the caller reads the status. */
  request<T = Record<string, unknown>>(path: string, init?: ApiRequest): Promise<ApiResponse<T>>;
  /** A GET that throws unless the hub answers 200. */
  get<T>(path: string): Promise<T>;
  /** `POST /api/runs`; throws unless the hub answers 201. */
  submit(
    family: string,
    params: Record<string, unknown>,
    extra?: Record<string, unknown>,
  ): Promise<Submitted>;
}

/**
 * A client of the admin API at `url` that sends `token` (null: none), and
 * trusts `options.caCerts` (PEM) besides the default roots.
 *
 * @example
 * ```ts ignore
 * const api = createApiClient(hub.url, hub.adminToken);
 * const { runId } = await api.submit("AggregateShards", { totalShards: 2 });
 * ```
 */
export function createApiClient(
  url: string,
  token: string | null,
  options: { caCerts?: string[]; fetch?: typeof fetch } = {},
): ApiClient {
  const send = options.fetch ?? fetch;
  // An https hub with a private certificate: trust its CA too.
  const client = options.caCerts ? Deno.createHttpClient({ caCerts: options.caCerts }) : undefined;
  const request = async <T>(path: string, init: ApiRequest = {}): Promise<ApiResponse<T>> => {
    const bearer = init.token === undefined ? token : init.token;
    const res = await send(`${url}${path}`, {
      client,
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: {
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  };
  return {
    url,
    token,
    request,
    async get<T>(path: string) {
      const res = await request<T>(path);
      if (res.status !== 200) {
        throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      }
      return res.body;
    },
    async submit(family, params, extra = {}) {
      const res = await request<Submitted>("/api/runs", { body: { family, params, ...extra } });
      if (res.status !== 201) {
        throw new Error(`Submitting ${family} answered ${res.status}: ${JSON.stringify(res.body)}`);
      }
      return res.body;
    },
  };
}
