/**
 * A loader against a flaky HTTP API: 5xx and 429 answers are retried with
 * exponential backoff and jitter; other 4xx answers are permanent.
 */
import { z } from "zod";
import { defineTask, LocalTarget, PermanentError, RetryableError } from "../shared/mod.ts";

/** Creates the loader family under `dataDir`. */
export function createLoaderTasks(dataDir: string) {
  const LoadFromApi = defineTask({
    family: "LoadFromApi",
    description: "Downloads one JSON document from an HTTP API",
    params: z.object({
      name: z.string().regex(/^[a-z0-9_-]+$/),
      url: z.url({ protocol: /^https?$/ }),
    }),
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 },
    timeoutMs: 30_000,
    output: ({ name }) => new LocalTarget(`${dataDir}/loads/v1/${name}.json`),
    run: async (ctx, { url }) => {
      ctx.setStatus(`GET ${url} (attempt ${ctx.attempt})`);
      let res: Response;
      try {
        res = await fetch(url, { signal: ctx.signal });
      } catch (cause) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        throw new RetryableError(`GET ${url} failed: ${(cause as Error).message}`, { cause });
      }
      const body = await res.text();
      if (res.status >= 500 || res.status === 429) {
        throw new RetryableError(`GET ${url} answered ${res.status}: ${body.slice(0, 200)}`);
      }
      if (!res.ok) {
        throw new PermanentError(`GET ${url} answered ${res.status}: ${body.slice(0, 200)}`);
      }
      try {
        JSON.parse(body);
      } catch {
        throw new PermanentError(`GET ${url} answered 200 with a body that is not JSON`);
      }
      await ctx.outputs.write(body);
    },
  });
  return { LoadFromApi, all: [LoadFromApi] };
}
