/** Byte counts of WebSocket text, which the protocol limits in bytes of UTF-8. */

/** Bytes of `text` in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** A close reason is limited to 123 bytes of UTF-8: cut at a character boundary. */
export function closeReason(reason: string): string {
  if (reason.length * 3 <= 123) return reason;
  let out = "";
  for (const ch of reason) {
    if (utf8Length(out + ch) > 123) break;
    out += ch;
  }
  return out;
}
