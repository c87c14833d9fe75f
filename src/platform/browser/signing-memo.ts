// Ed25519 signing remembered, for the classroom worker. Every copy of a classroom run (restart
// points, replays after seeking back) signs the same votes and proposals again, and in the
// browser each signature costs a third of a millisecond of pure-JS @noble/ed25519: about a
// seventh of a replay. Ed25519 signing is deterministic (RFC 8032), so a signature looked up is
// the one that would have been made, and a replay stays exact. Installed with
// core/crypto/ed25519.ts's installSyncEd25519; verification of a signature made here is answered
// from memory too (true is final there; anything else goes on to noble's ZIP-215 check).
import * as ed from '@noble/ed25519';
import type { SyncEd25519 } from '../../core/crypto/ed25519.js';
import '../../core/crypto/ed25519.js'; // gives noble its SHA-512

/** Signatures kept (a 4-validator lesson makes about 8 a second; 100 validators, a few hundred). */
const LIMIT = 50_000;

/** A byte string as a one-byte-per-char JS string: a compact Map key. */
function key(a: Uint8Array, b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
  s += '|';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

export interface SigningMemo extends SyncEd25519 {
  /** signatures actually computed (not found in memory) */
  readonly made: number;
}

export function signingMemo(limit = LIMIT): SigningMemo {
  const signatures = new Map<string, Uint8Array>(); // seed|message → signature
  const made = new Map<string, string>(); // public key|message → signature (as a key string)
  const pubKeys = new Map<string, Uint8Array>(); // seed → public key
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
      const sig = ed.sign(message, seed);
      count++;
      const sk = key(seed, new Uint8Array(0));
      let pub = pubKeys.get(sk);
      if (!pub) pubKeys.set(sk, (pub = ed.getPublicKey(seed)));
      signatures.set(k, sig);
      made.set(key(pub, message), key(sig, new Uint8Array(0)));
      return sig.slice();
    },
    verify(pubKey, message, signature) {
      return made.get(key(pubKey, message)) === key(signature, new Uint8Array(0));
    },
  };
}
