import assert from "node:assert/strict";
import { generateToken, TOKEN_PATTERN, tokenIdOf } from "./token_format.ts";

Deno.test("generateToken() makes drv_tok_<12 hex>_<43 base64url> from random bytes", () => {
  const { id, token } = generateToken((bytes) => bytes.fill(0xfb));
  assert.equal(token, `drv_tok_fbfbfbfbfbfb_${"-_v7".repeat(10)}-_s`);
  assert.equal(id, "tok_fbfbfbfbfbfb");
  assert.match(token, TOKEN_PATTERN);
});

Deno.test("generateToken() makes a different token each time", () => {
  const tokens = new Set(Array.from({ length: 50 }, () => generateToken().token));
  assert.equal(tokens.size, 50);
  for (const token of tokens) assert.match(token, TOKEN_PATTERN);
});

Deno.test("tokenIdOf() reads the id of a token and refuses anything else", () => {
  const { id, token } = generateToken();
  assert.equal(tokenIdOf(token), id);
  assert.equal(tokenIdOf(`${token}x`), undefined);
  assert.equal(tokenIdOf(token.replace("drv_", "drx_")), undefined);
  assert.equal(tokenIdOf(token.slice(0, -1)), undefined);
});
