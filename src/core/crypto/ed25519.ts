// Ed25519 behind a small interface (spec §13.3). The core signs and verifies synchronously with
// @noble/ed25519, whose verify follows ZIP-215 like CometBFT v1; drivers may plug in a faster
// verifier (WebCrypto) that must give the same verdicts (src/platform/shared/webcrypto-verifier.ts).
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

ed.hashes.sha512 = sha512;

export interface VerifyItem {
  pubKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

export interface Ed25519Verifier {
  verify(pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** One verdict per item, in order. */
  verifyBatch(items: VerifyItem[]): Promise<boolean[]>;
  /**
   * The quick check alone (strict RFC 8032, e.g. WebCrypto): true is final, false may be a
   * signature ZIP-215 accepts. Absent: `verify` is the only check.
   */
  verifyStrict?(pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

export const PUBLIC_KEY_SIZE = 32;
export const SIGNATURE_SIZE = 64;

/**
 * A faster synchronous Ed25519 a platform may install (node:crypto in Node, ~20× noble). It
 * cannot change a result: Ed25519 signing is deterministic, and a signature it rejects is
 * re-checked with noble under ZIP-215, whose verdict is final (strict RFC 8032 verifiers reject
 * some signatures CometBFT accepts).
 */
export interface SyncEd25519 {
  sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** Strict verification; false may be re-checked, true is final. */
  verify(pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

let fast: SyncEd25519 | null = null;

export function installSyncEd25519(backend: SyncEd25519 | null): void {
  fast = backend;
}

/** ZIP-215 verification; malformed keys or signatures are simply invalid. */
export function verifySync(pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (pubKey.length !== PUBLIC_KEY_SIZE || signature.length !== SIGNATURE_SIZE) return false;
  try {
    return fast?.verify(pubKey, message, signature) || ed.verify(signature, message, pubKey, { zip215: true });
  } catch {
    return false;
  }
}

export function signSync(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return fast ? fast.sign(seed, message) : ed.sign(message, seed);
}

export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  return ed.getPublicKey(seed);
}

/** The installed backend's strict check (true final, false may be re-checked); without one, the ZIP-215 verdict. */
function verifyStrictSync(pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!fast) return verifySync(pubKey, message, signature);
  try {
    return pubKey.length === PUBLIC_KEY_SIZE && signature.length === SIGNATURE_SIZE && fast.verify(pubKey, message, signature);
  } catch {
    return false;
  }
}

/** The pure-JS verifier: used where WebCrypto Ed25519 is missing. */
export const nobleVerifier: Ed25519Verifier = {
  verify: async (pubKey, message, signature) => verifySync(pubKey, message, signature),
  verifyBatch: async (items) => items.map((it) => verifySync(it.pubKey, it.message, it.signature)),
  verifyStrict: async (pubKey, message, signature) => verifyStrictSync(pubKey, message, signature),
};

/**
 * Which of `pubKeys` signed `message` (its index), or -1: for a signature that names no signer (a
 * proposal in a WAL). Every key gets the quick strict check before any rejection is re-checked
 * under ZIP-215: each wrong key fails, and a re-check with noble costs about twenty quick ones
 * (tried key by key, a 4-validator WAL's proposals took seconds per thousand). The verdict is the
 * ZIP-215 one either way.
 */
export async function findSigner(verifier: Ed25519Verifier, pubKeys: readonly Uint8Array[], message: Uint8Array, signature: Uint8Array): Promise<number> {
  const quick = verifier.verifyStrict?.bind(verifier) ?? verifier.verify.bind(verifier);
  for (let k = 0; k < pubKeys.length; k++) if (await quick(pubKeys[k], message, signature)) return k;
  if (!verifier.verifyStrict) return -1; // that was the final check already
  for (let k = 0; k < pubKeys.length; k++) if (await verifier.verify(pubKeys[k], message, signature)) return k;
  return -1;
}

/** findSigner with the synchronous backend (the CLI's `wal verify`). */
export function findSignerSync(pubKeys: readonly Uint8Array[], message: Uint8Array, signature: Uint8Array): number {
  for (let k = 0; k < pubKeys.length; k++) if (verifyStrictSync(pubKeys[k], message, signature)) return k;
  if (!fast) return -1; // the strict check was the ZIP-215 verdict
  for (let k = 0; k < pubKeys.length; k++) if (verifySync(pubKeys[k], message, signature)) return k;
  return -1;
}
