import assert from "node:assert/strict";
import { generateToken, TOKEN_PATTERN } from "./generate_token.ts";

Deno.test("generateToken() makes drv_tok_<12 hex>_<43 base64url> from random bytes", () => {
  const token = generateToken((bytes) => bytes.fill(0xfb));
  assert.equal(token, `drv_tok_fbfbfbfbfbfb_${"-_v7".repeat(10)}-_s`);
  assert.match(token, TOKEN_PATTERN);
});

Deno.test("generateToken() makes a different token each time", () => {
  const tokens = new Set(Array.from({ length: 50 }, () => generateToken()));
  assert.equal(tokens.size, 50);
  for (const token of tokens) assert.match(token, TOKEN_PATTERN);
});
