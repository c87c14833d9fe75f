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
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import type { SyncEd25519 } from '../../core/crypto/ed25519.js';
import '../../core/crypto/ed25519.js'; // gives noble its SHA-512

/** Signatures kept (a 4-validator lesson makes about 8 a second; 100 validators, a few hundred). */
const LIMIT = 50_000;
/** The order of the base point (RFC 8032's L). */
const L = ed.Point.CURVE().n;

type ExpandedKey = ReturnType<typeof ed.utils.getExtendedPublicKey>;

/** A byte string as a one-byte-per-char JS string: a compact Map key. */
function key(a: Uint8Array, b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
  s += '|';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

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
}

export function signingMemo(limit = LIMIT): SigningMemo {
  const signatures = new Map<string, Uint8Array>(); // seed|message → signature
  const made = new Map<string, string>(); // public key|message → signature (as a key string)
  const keys = new Map<string, ExpandedKey>(); // seed → its expanded key
  let count = 0;
  return {
    get made() {
      return count;
    },
    sign(seed, message) {
      const k = key(seed, message);
      const known = signatures.get(k);
      if (known) return known.slice();
      // simply forgotten past the limit: a long run's early signatures are the least likely again
      if (signatures.size >= limit) (signatures.clear(), made.clear());
      const sk = key(seed, new Uint8Array(0));
      let expanded = keys.get(sk);
      if (!expanded) keys.set(sk, (expanded = ed.utils.getExtendedPublicKey(seed)));
      const sig = signExpanded(expanded, message);
      count++;
      signatures.set(k, sig);
      made.set(key(expanded.pointBytes, message), key(sig, new Uint8Array(0)));
      return sig.slice();
    },
    verify(pubKey, message, signature) {
      return made.get(key(pubKey, message)) === key(signature, new Uint8Array(0));
    },
  };
}
