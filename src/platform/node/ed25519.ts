// node:crypto's Ed25519 as the core's synchronous backend (installSyncEd25519): OpenSSL signs
// and verifies about twenty times faster than @noble/ed25519. Key objects are imported once per
// key; the core re-checks every rejection under ZIP-215, so verdicts never change.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { SyncEd25519 } from '../../core/crypto/ed25519.js';
import { installSyncEd25519 } from '../../core/crypto/ed25519.js';

// DER prefixes that wrap a raw 32-byte Ed25519 seed (PKCS#8) or public key (SPKI)
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A bounded map of imported keys (validator sets are small; a hostile stream of keys is not). */
function keyCache(make: (raw: Uint8Array) => KeyObject, limit = 10_000): (raw: Uint8Array) => KeyObject {
  const keys = new Map<string, KeyObject>();
  return (raw) => {
    const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
    let k = keys.get(id);
    if (!k) {
      if (keys.size >= limit) keys.delete(keys.keys().next().value!);
      k = make(raw);
      keys.set(id, k);
    }
    return k;
  };
}

const privateKey = keyCache((seed) => createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }), 1000);
const publicKey = keyCache((pub) => createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pub]), format: 'der', type: 'spki' }));

export const nodeEd25519: SyncEd25519 = {
  sign: (seed, message) => new Uint8Array(sign(null, message, privateKey(seed))),
  verify: (pubKey, message, signature) => {
    try {
      return verify(null, message, publicKey(pubKey), signature);
    } catch {
      return false; // a key OpenSSL will not import: noble decides
    }
  },
};

/** Makes node:crypto the core's synchronous Ed25519 in this process. */
export function useNodeEd25519(): void {
  installSyncEd25519(nodeEd25519);
}
