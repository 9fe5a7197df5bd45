import assert from "node:assert/strict";
import { startWatchdog } from "./socket_watchdog.ts";

Deno.test("a socket that does not open in time is given up on", async () => {
  const timedOut = Promise.withResolvers<void>();
  const dog = startWatchdog({
    opened: () => false,
    silenceMs: () => null,
    onConnectTimeout: () => timedOut.resolve(),
    onSilent: () => assert.fail("not open: never silent"),
  }, { everyMs: 5, connectTimeoutMs: 20 });
  try {
    await timedOut.promise;
  } finally {
    dog.stop();
  }
});

Deno.test("an open socket is given up on after the silence allowed, not while it hears", async () => {
  let limit: number | null = null;
  const silent = Promise.withResolvers<number>();
  const dog = startWatchdog({
    opened: () => true,
    silenceMs: () => limit,
    onConnectTimeout: () => assert.fail("open: no connect timeout"),
    onSilent: (ms) => silent.resolve(ms),
  }, { everyMs: 5, connectTimeoutMs: 1 });
  try {
    // No limit before the welcome: checks pass and nothing happens.
    await new Promise((resolve) => setTimeout(resolve, 30));
    limit = 40;
    dog.heard();
    const ms = await silent.promise;
    assert.ok(ms > 40, `silent for ${ms} ms`);
  } finally {
    dog.stop();
  }
});
