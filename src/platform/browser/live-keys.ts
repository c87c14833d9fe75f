// Who this tab is on the chain (issue 13: one key, one signer). The Web Lock on the chain's
// validator key decides: the tab that holds it is the validator, with the keys kept in this
// profile's IndexedDB (made on first visit); any other tab only watches, says why, and takes a
// throwaway node key. A validator's signer has a fuse the node blows when it stops.
import type { Bytes } from '../../core/types.js';
import { addressFromPubKey } from '../../core/crypto/address.js';
import type { KeySigner } from '../../node/priv-validator.js';
import type { KeyVault, LockManagerLike, ValidatorKey } from './browser-keys.js';
import { loadOrCreateNodeKey, loadOrCreateValidatorKey, loadValidatorPubKey, takeValidatorLock } from './browser-keys.js';

export const WHY_OTHER_TAB = 'another tab of this browser profile is this validator; this one only watches';
export const WHY_VALIDATOR_LEFT = "the tab that was this profile's validator closed: reload this tab to take over as the validator";
export const WHY_NO_LOCKS = 'this browser has no Web Locks, so this tab cannot make sure it is the only one signing with the validator key; it only watches';
export const WHY_NO_ED25519 = "this browser's WebCrypto has no Ed25519, so it cannot keep a validator key that scripts cannot read; this tab only watches";

/** What the lock decided. */
export interface LiveKeys {
  /** the node key's 32-byte seed: the stored one for the validator, a throwaway one for an observer */
  nodeKey: Uint8Array;
  /** the validator key, if this tab holds the lock */
  validator: ValidatorKey | null;
  /** the validator address (an observer's too, when the profile has a key: the view marks it) */
  address: Bytes | null;
  /** why this tab only watches (null: it is the validator) */
  observerWhy: string | null;
}

/** What taking the keys needs of the platform. */
export interface KeyEnv {
  /** navigator.locks; null where there are none (the tab then only watches) */
  locks: LockManagerLike | null;
  subtle: SubtleCrypto;
  random(bytes: Uint8Array): Uint8Array;
}

/**
 * The lock decides: validator (stored keys, made on first visit) or observer (a throwaway node
 * key). `held` gets the lock's release as soon as it is granted: the caller lets it go when the
 * node is disposed, even if loading the keys then fails.
 */
export async function takeKeys(env: KeyEnv, vault: KeyVault, chainId: string, held: (release: () => void) => void): Promise<LiveKeys> {
  const lock = env.locks ? await takeValidatorLock(env.locks, chainId) : null;
  let observerWhy: string;
  if (lock?.granted) {
    held(lock.release);
    try {
      const validator = await loadOrCreateValidatorKey(vault, chainId, env.subtle);
      const address = addressFromPubKey(validator.pubKey);
      const nodeKey = await loadOrCreateNodeKey(vault, chainId, env.random);
      return { nodeKey, validator, address, observerWhy: null };
    } catch (e) {
      if ((e as Error).name !== 'NotSupportedError') throw e;
      lock.release();
      observerWhy = WHY_NO_ED25519;
    }
  } else observerWhy = lock ? WHY_OTHER_TAB : WHY_NO_LOCKS;
  const pub = await loadValidatorPubKey(vault, chainId).catch(() => null);
  // a throwaway node key: the validator's tab has the stored one, and two tabs with one peer id
  // would knock each other off the network
  return { nodeKey: env.random(new Uint8Array(32)), validator: null, address: pub ? addressFromPubKey(pub) : null, observerWhy };
}

/** A signer with a fuse: once blown (the node failed), it refuses to sign anything more. */
export function fusedSigner(inner: KeySigner, blown: () => string | null): KeySigner {
  return {
    pubKey: inner.pubKey,
    sign: (msg) => {
      const why = blown();
      return why ? Promise.reject(new Error(`not signing: ${why}`)) : inner.sign(msg);
    },
  };
}
