// Ed25519 signing remembered, for the classroom worker. Every copy of a classroom run (restart
// points, replays after seeking back) signs the same votes and proposals again, and in the
// browser each signature costs a third of a millisecond of pure-JS @noble/ed25519: about a
// seventh of a replay. Ed25519 signing is deterministic (RFC 8032), so a signature looked up is
// the one that would have been made, and a replay stays exact. Installed with
// core/crypto/ed25519.ts's installSyncEd25519; verification of a signature made here is answered
// from memory too (true is final there; anything else goes on to noble's ZIP-215 check).
//
// A signature that must be made (a run's first pass: the first seek after opening is nothing
// else) is RFC 8032's, step by step, with each key's expanded form kept: noble's `sign` expands
// the seed again every time (a SHA-512 and a base-point multiplication), half of its cost.
//
// `signAsync` makes it with WebCrypto's Ed25519 where the platform has it (Chromium's BoringSSL
// signs in about a tenth of noble's time, off the worker's thread): the simulator waits for a
// node's signature before it fires the next timer, so a run stays the same whichever way its
// signatures come, and RFC 8032 makes them the same bytes (checked once per key against noble).
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import type { SyncEd25519 } from '../../core/crypto/ed25519.js';
import '../../core/crypto/ed25519.js'; // gives noble its SHA-512
import { bytesKey } from '../../core/bytes.js';

/** Signatures kept (a 4-validator lesson makes about 8 a second; 100 validators, a few hundred). */
const LIMIT = 50_000;
/** The order of the base point (RFC 8032's L). */
const L = ed.Point.CURVE().n;

type ExpandedKey = ReturnType<typeof ed.utils.getExtendedPublicKey>;

/** Bytes (a key and a message) as a compact Map key. */
const key = (a: Uint8Array, b?: Uint8Array): string => (b ? `${bytesKey(a)}|${bytesKey(b)}` : bytesKey(a));

/** SHA-512 of the parts, read little-endian, mod L. */
function hashModL(...parts: Uint8Array[]): bigint {
  const h = sha512(ed.etc.concatBytes(...parts)).reverse();
  return BigInt('0x' + ed.etc.bytesToHex(h)) % L;
}

/** RFC 8032 §5.1.6 with the key already expanded: the very bytes noble's `sign` gives. */
function signExpanded(k: ExpandedKey, message: Uint8Array): Uint8Array {
  const r = hashModL(k.prefix, message);
  const R = ed.Point.BASE.multiply(r).toBytes();
  const S = (r + hashModL(R, k.pointBytes, message) * k.scalar) % L;
  const s = ed.etc.hexToBytes(S.toString(16).padStart(64, '0')).reverse();
  return ed.etc.concatBytes(R, s);
}

export interface SigningMemo extends SyncEd25519 {
  /** signatures actually computed (not found in memory) */
  readonly made: number;
  /** The same signature, made by WebCrypto when it can (a remembered one is returned at once). */
  signAsync(seed: Uint8Array, message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410): the form WebCrypto imports private keys in. */
const PKCS8_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

type SubtleLike = Pick<SubtleCrypto, 'importKey' | 'sign'>;

/**
 * A WebCrypto signing key for the seed, or null where Ed25519 is missing or does not give
 * noble's bytes (checked on one message, so a platform that differed could never fork a run).
 */
async function webCryptoKey(subtle: SubtleLike, seed: Uint8Array, check: (message: Uint8Array) => Uint8Array): Promise<CryptoKey | null> {
  try {
    const key = await subtle.importKey('pkcs8', new Uint8Array([...PKCS8_PREFIX, ...seed]), { name: 'Ed25519' }, false, ['sign']);
    const probe = new TextEncoder().encode('prevote signing memo self-check');
    const got = new Uint8Array(await subtle.sign('Ed25519', key, probe));
    const want = check(probe);
    return got.length === want.length && got.every((b, i) => b === want[i]) ? key : null;
  } catch {
    return null;
  }
}

/**
 * `subtle`: the WebCrypto to sign with in `signAsync` (default: the platform's, if any; null:
 * always noble).
 */
export function signingMemo(limit = LIMIT, subtle: SubtleLike | null = globalThis.crypto?.subtle ?? null): SigningMemo {
  const signatures = new Map<string, Uint8Array>(); // seed|message → signature
  const made = new Map<string, string>(); // public key|message → signature (as a key string)
  const keys = new Map<string, ExpandedKey>(); // seed → its expanded key
  const webKeys = new Map<string, Promise<CryptoKey | null>>(); // seed → its WebCrypto key (null: none)
  let count = 0;
  const expandedOf = (seed: Uint8Array): ExpandedKey => {
    const sk = key(seed);
    let expanded = keys.get(sk);
    if (!expanded) keys.set(sk, (expanded = ed.utils.getExtendedPublicKey(seed)));
    return expanded;
  };
  const remember = (k: string, expanded: ExpandedKey, message: Uint8Array, sig: Uint8Array): Uint8Array => {
    // simply forgotten past the limit: a long run's early signatures are the least likely again
    if (signatures.size >= limit) (signatures.clear(), made.clear());
    count++;
    signatures.set(k, sig);
    made.set(key(expanded.pointBytes, message), key(sig));
    return sig.slice();
  };
  const sign = (seed: Uint8Array, message: Uint8Array): Uint8Array => {
    const k = key(seed, message);
    const known = signatures.get(k);
    if (known) return known.slice();
    const expanded = expandedOf(seed);
    return remember(k, expanded, message, signExpanded(expanded, message));
  };
  const signWeb = async (seed: Uint8Array, message: Uint8Array, k: string): Promise<Uint8Array> => {
    const sk = key(seed);
    let web = webKeys.get(sk);
    if (!web) webKeys.set(sk, (web = webCryptoKey(subtle!, seed, (m) => signExpanded(expandedOf(seed), m))));
    const cryptoKey = await web;
    const sig = cryptoKey ? new Uint8Array(await subtle!.sign('Ed25519', cryptoKey, message as Uint8Array<ArrayBuffer>)) : null;
    // made meanwhile (the same message signed twice at once): the first one stays
    const known = signatures.get(k);
    if (known) return known.slice();
    const expanded = expandedOf(seed);
    return remember(k, expanded, message, sig ?? signExpanded(expanded, message));
  };
  return {
    get made() {
      return count;
    },
    sign,
    signAsync(seed, message) {
      if (!subtle) return sign(seed, message);
      const k = key(seed, message);
      const known = signatures.get(k);
      return known ? known.slice() : signWeb(seed, message, k);
    },
    verify(pubKey, message, signature) {
      return made.get(key(pubKey, message)) === key(signature);
    },
  };
}
