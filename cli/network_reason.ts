/** Why a fetch got no answer, in a few words. */

/** `connection refused`, `host not found`, `no answer within 30 s`, ... */
export function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error && messages.length < 5; e = e.cause) {
    messages.push(e.message);
  }
  const text = messages.join(" ").toLowerCase();
  if (text.includes("connection refused")) return "connection refused";
  if (
    text.includes("dns error") || text.includes("failed to lookup address") ||
    text.includes("name or service not known")
  ) {
    return "host not found";
  }
  if (text.includes("connection reset")) return "connection reset";
  if (text.includes("timed out")) return "connection timed out";
  if (text.includes("certificate")) {
    return "TLS certificate rejected (set DROVER_HUB_CA_FILE to the CA that signed the hub's)";
  }
  if (text.includes("corrupt message")) return "TLS handshake failed (does it speak plain HTTP?)";
  const blocked = text.match(/requests to port (\d+) are blocked/);
  if (blocked) return `fetch refuses port ${blocked[1]} (a reserved port); use another port`;
  // The innermost message is the most specific:
  // "error sending request for url (http://…): client error (Connect): …" → the part after the URL.
  const last = messages.at(-1) ?? String(error);
  return last
    .replace(/^error sending request for url \([^)]*\):\s*/i, "")
    .replace(/^client error \([^)]*\):\s*/i, "") || last;
}
