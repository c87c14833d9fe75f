// SHA-256, the only hash of CometBFT v1 consensus data (spec §8.2, §13.3).
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

/**
 * A faster synchronous SHA-256 a platform may install (node:crypto in Node, about twice noble on
 * the 33- and 65-byte Merkle inputs that dominate here). SHA-256 has one answer, so a backend can
 * only change the speed; it must return a plain Uint8Array the caller owns.
 */
export type SyncSha256 = (data: Uint8Array) => Uint8Array;

let fast: SyncSha256 | null = null;

export function installSyncSha256(backend: SyncSha256 | null): void {
  fast = backend;
}

export function sha256(data: Uint8Array): Uint8Array {
  return fast ? fast(data) : nobleSha256(data);
}
