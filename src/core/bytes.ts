// Small byte helpers shared by the whole core.
import { bytesToHex, hexToBytes, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * The one empty byte string, shared: a zero-length array has nothing to write to, and making one
 * is an allocation (a decoded vote had nine). Its buffer must never be transferred.
 */
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

export function toHex(b: Uint8Array): string {
  return bytesToHex(b);
}

export function fromHex(hex: string): Uint8Array {
  return hexToBytes(hex.length % 2 === 0 ? hex.toLowerCase() : `0${hex.toLowerCase()}`);
}

/** Short bytes (a hash, an address, a signature) as a map key: one char per byte, cheaper than hex. */
export function bytesKey(b: Uint8Array): string {
  return String.fromCharCode.apply(null, b as unknown as number[]);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic byte comparison (Go `bytes.Compare`). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export const concat = concatBytes;
export const utf8 = utf8ToBytes;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function toBase64(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < b.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < b.length ? B64[n & 63] : '=';
  }
  return out;
}

/** Decodes standard base64 (padding optional); throws on any other character. */
export function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (const ch of clean) {
    const v = B64.indexOf(ch);
    if (v < 0) throw new Error(`invalid base64 character ${JSON.stringify(ch)}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, j);
}

/**
 * UTF-8 decoding that never throws (the core has no TextDecoder type): each ill-formed sequence —
 * a bad lead or continuation byte, an overlong form, a surrogate, a code point above U+10FFFF, a
 * truncated tail — becomes one U+FFFD, and `valid` says whether any did. Bytes from a peer reach
 * this, so an exception here would be a peer stopping the node.
 */
export function decodeUtf8(b: Uint8Array): { text: string; valid: boolean } {
  let out = '';
  let valid = true;
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    // sequence length and the smallest code point it may encode (anything lower is overlong)
    const [len, min] = c >= 0xc2 && c < 0xe0 ? [2, 0x80] : c >= 0xe0 && c < 0xf0 ? [3, 0x800] : c >= 0xf0 && c < 0xf5 ? [4, 0x10000] : [0, 0];
    let cp = len === 2 ? c & 0x1f : len === 3 ? c & 0x0f : c & 0x07;
    let n = 1;
    while (n < len && i + n < b.length && (b[i + n] & 0xc0) === 0x80) cp = (cp << 6) | (b[i + n++] & 0x3f);
    if (len === 0 || n < len || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      out += '\ufffd';
      valid = false;
      i += n; // the lead byte and the continuation bytes that fitted
      continue;
    }
    out += String.fromCodePoint(cp);
    i += len;
  }
  return { text: out, valid };
}

/** Lenient UTF-8 decoding: ill-formed sequences become U+FFFD. */
export function utf8Decode(b: Uint8Array): string {
  return decodeUtf8(b).text;
}
