import assert from "node:assert/strict";
import { createLogger } from "../shared/log.ts";
import { Connection } from "./connection.ts";

/** A loopback port with nothing listening on it. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("Connection: a hub it cannot reach is logged as such (with its URL), not as a disconnect", async () => {
  const lines: Record<string, unknown>[] = [];
  const hubUrl = `http://127.0.0.1:${closedPort()}`;
  const closes = Promise.withResolvers<{ code: number; opened: boolean }>();
  const connection = new Connection(
    { hubUrl, log: createLogger({ write: (l) => lines.push(JSON.parse(l)) }) },
    {
      onOpen: () => {},
      onFrame: () => {},
      onClose: (code, _reason, opened) => closes.resolve({ code, opened }),
    },
  );
  connection.start();
  const closed = await closes.promise;
  await connection.stop();
  assert.deepEqual(closed, { code: 0, opened: false });
  const line = lines.find((l) => l.msg === "could not connect to the hub");
  assert.ok(line, JSON.stringify(lines));
  assert.equal(line.hubUrl, hubUrl);
});
