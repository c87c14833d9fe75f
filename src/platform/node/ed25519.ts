// node:crypto's Ed25519 as the core's synchronous backend (installSyncEd25519): OpenSSL signs
// and verifies about twenty times faster than @noble/ed25519. Key objects are imported once per
// key; the core re-checks every rejection under ZIP-215, so verdicts never change.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { SyncEd25519 } from '../../core/crypto/ed25519.js';
import { installSyncEd25519 } from '../../core/crypto/ed25519.js';

// the DER prefix that wraps a raw 32-byte Ed25519 seed (PKCS#8)
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

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

const b64url = (raw: Uint8Array) => Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url');
// JWK imports cost ~60 µs where DER costs ~1.3 ms (OpenSSL's decoder chain): 130 ms at the start of
// a 100-validator simulation. A private JWK must carry `x`, but OpenSSL derives the public key
// from `d` alone (ed25519.test.ts checks our signatures against noble's), so any `x` will do.
const ZERO_X = b64url(new Uint8Array(32));
const privateKey = keyCache((seed) => {
  try {
    return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64url(seed), x: ZERO_X }, format: 'jwk' });
  } catch {
    return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  }
}, 1000);
const publicKey = keyCache((pub) => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(pub) }, format: 'jwk' }));

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
