/** For UI tests: signs a token in through `/ui/login` and returns the session's cookie and csrf. */
import type { OpenAPIHono } from "@hono/zod-openapi";

/** A signed-in session. */
export interface TestSession {
  cookie: string;
  setCookie: string;
  csrf: string;
  location: string;
}

/** Posts the login form as a browser on `origin` would; reads the csrf from a page. */
export async function signIn(
  app: OpenAPIHono,
  token: string,
  next = "/ui/runs",
  origin = "http://localhost",
): Promise<TestSession> {
  const r = await app.request(`${origin}/ui/login`, {
    method: "POST",
    headers: { origin, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token, next }),
  });
  if (r.status !== 303) throw new Error(`sign-in answered ${r.status}: ${await r.text()}`);
  const setCookie = r.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0]!;
  const page = await app.request(`${origin}/ui/runs`, { headers: { cookie } });
  const csrf = /name="drover-csrf" content="([^"]*)"/.exec(await page.text())?.[1] ?? "";
  return { cookie, setCookie, csrf, location: r.headers.get("location") ?? "" };
}
