// node:crypto's one-shot hash() as the core's SHA-256 (installSyncSha256): OpenSSL beats
// @noble/hashes by about 2× even on the 33- and 65-byte Merkle leaves and nodes, where
// createHash's object setup makes it slower than noble. hash() is Node >= 20.12 (and 21.7);
// without it noble stays.
import * as nodeCrypto from 'node:crypto';
import type { SyncSha256 } from '../../core/crypto/sha256.js';
import { installSyncSha256 } from '../../core/crypto/sha256.js';

const oneShot = (nodeCrypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash;

/** A copy out of the Buffer: small Buffers share Node's pool, and callers own their hashes. */
export const nodeSha256: SyncSha256 | null = oneShot ? (data) => new Uint8Array(oneShot('sha256', data, 'buffer')) : null;

/** Makes node:crypto the core's SHA-256 in this process (when this Node has crypto.hash). */
export function useNodeSha256(): void {
  installSyncSha256(nodeSha256);
}
