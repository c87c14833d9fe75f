// A browser tab's keys (issue 13), kept in IndexedDB of this browser profile, one pair per chain:
//   - the validator key: a NON-extractable WebCrypto Ed25519 key pair. IndexedDB stores the
//     CryptoKey by structured clone, so it survives a reload, yet no script — ours or the page's —
//     can read its private bytes out: it can only ask the browser to sign with it;
//   - the node key: a 32-byte seed, stored as plain bytes. libp2p on the page needs the raw key
//     for its peer identity and Noise handshakes, so here we keep it where the browser allows it:
//     in IndexedDB, readable by this origin. It identifies the peer; it signs no vote.
// Keys are made once, only by the tab that holds the validator's Web Lock (so two tabs opening at
// once cannot each make one), and never leave the tab except the node key to the page's libp2p.
import { openDB } from 'idb';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { Bytes } from '../../core/types.js';
import { addressFromPubKey } from '../../core/crypto/address.js';
import { toHex } from '../../core/bytes.js';
import type { KeySigner } from '../../node/priv-validator.js';

const ED25519 = { name: 'Ed25519' } as const;

/** Where keys are kept: IndexedDB in a browser, a Map in tests. Values are structured clones. */
export interface KeyVault {
  get(name: string): Promise<unknown>;
  put(name: string, value: unknown): Promise<void>;
}

/** The profile's key database (one for every chain; records are named by chain id). */
export async function idbKeyVault(dbName = 'prevote-keys'): Promise<KeyVault> {
  const db = await openDB(dbName, 1, { upgrade: (d) => void d.createObjectStore('keys') });
  return {
    get: (name) => db.get('keys', name),
    put: async (name, value) => {
      // strict: a key reported stored must still be there after a crash, or a reload would make
      // a new validator while the chain waits for the old one
      const tx = db.transaction('keys', 'readwrite', { durability: 'strict' });
      await Promise.all([tx.store.put(value, name), tx.done]);
    },
  };
}

export function memoryKeyVault(): KeyVault & { records: Map<string, unknown> } {
  const records = new Map<string, unknown>();
  return {
    records,
    get: async (name) => (records.has(name) ? structuredClone(records.get(name)) : undefined),
    put: async (name, value) => void records.set(name, structuredClone(value)),
  };
}

/** The stored validator record: the private half stays a CryptoKey, the public half raw bytes. */
interface ValidatorRecord {
  privateKey: CryptoKey;
  pubKey: Uint8Array;
}

export interface ValidatorKey {
  pubKey: Bytes;
  /** hex, upper case as CometBFT prints it */
  address: string;
  /** signs with the non-extractable private key (the PrivValidator's KeySigner) */
  signer: KeySigner;
  /** the key itself (tests check it cannot be exported) */
  privateKey: CryptoKey;
}

const validatorName = (chainId: string) => `validator/${chainId}`;
const nodeName = (chainId: string) => `node/${chainId}`;

export const addressHex = (pubKey: Bytes) => toHex(addressFromPubKey(pubKey)).toUpperCase();

/** A KeySigner over a WebCrypto private key: Ed25519 is deterministic, so these are the signatures noble would make. */
export function cryptoKeySigner(subtle: SubtleCrypto, privateKey: CryptoKey, pubKey: Bytes): KeySigner {
  return { pubKey, sign: async (msg) => new Uint8Array(await subtle.sign(ED25519, privateKey, msg as BufferSource)) };
}

function isValidatorRecord(v: unknown): v is ValidatorRecord {
  const r = v as Partial<ValidatorRecord> | undefined;
  return !!r && r.pubKey instanceof Uint8Array && r.pubKey.length === 32 && typeof r.privateKey === 'object' && r.privateKey !== null;
}

/**
 * The validator key of `chainId`, made on first use. Only the holder of the validator lock may
 * call this (it may write). Throws when this WebCrypto has no Ed25519 (NotSupportedError): there
 * is then no way to keep a key the page cannot read, and the caller runs the tab as an observer.
 */
export async function loadOrCreateValidatorKey(vault: KeyVault, chainId: string, subtle: SubtleCrypto): Promise<ValidatorKey> {
  let rec = await vault.get(validatorName(chainId));
  if (rec !== undefined && !isValidatorRecord(rec)) throw new Error(`the stored validator key of chain ${chainId} is unreadable (refusing to make another: the chain may know the old one)`);
  if (rec === undefined) {
    const pair = (await subtle.generateKey(ED25519, false, ['sign', 'verify'])) as CryptoKeyPair;
    const pubKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
    rec = { privateKey: pair.privateKey, pubKey } satisfies ValidatorRecord;
    await vault.put(validatorName(chainId), rec);
  }
  const { privateKey, pubKey } = rec as ValidatorRecord;
  return { pubKey, address: addressHex(pubKey), signer: cryptoKeySigner(subtle, privateKey, pubKey), privateKey };
}

/** The validator's public key if one was made (read only: what an observer tab shows). */
export async function loadValidatorPubKey(vault: KeyVault, chainId: string): Promise<Bytes | null> {
  const rec = await vault.get(validatorName(chainId));
  return isValidatorRecord(rec) ? rec.pubKey : null;
}

/** The node key (a 32-byte Ed25519 seed) of `chainId`, made on first use. */
export async function loadOrCreateNodeKey(vault: KeyVault, chainId: string, random: (b: Uint8Array) => Uint8Array): Promise<Uint8Array> {
  const rec = await vault.get(nodeName(chainId));
  if (rec instanceof Uint8Array && rec.length === 32) return rec;
  const seed = random(new Uint8Array(32));
  await vault.put(nodeName(chainId), seed);
  return seed;
}

/** The libp2p peer id (12D3KooW…) of a node key, as the page's libp2p will derive it. */
export async function peerIdOfNodeKey(seed: Uint8Array): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed)).toString();
}

/** What navigator.locks offers that we use (a stand-in in tests). */
export interface LockManagerLike {
  request(name: string, options: { ifAvailable: boolean }, cb: (lock: unknown) => Promise<unknown>): Promise<unknown>;
}

export interface ValidatorLock {
  granted: boolean;
  /** lets the lock go (the worker's end; closing the tab releases it too) */
  release(): void;
}

/** Web Locks' exclusive behaviour in memory, refused at once (ifAvailable) or queued: the tests' navigator.locks. */
export function memoryLocks(): LockManagerLike & { held: Set<string> } {
  const held = new Set<string>();
  const queued = new Map<string, (() => void)[]>();
  return {
    held,
    async request(name, options, cb) {
      if (held.has(name)) {
        if (options.ifAvailable) return cb(null);
        await new Promise<void>((granted) => (queued.get(name) ?? queued.set(name, []).get(name)!).push(granted));
      }
      held.add(name);
      try {
        return await cb({ name });
      } finally {
        held.delete(name);
        queued.get(name)?.shift()?.();
      }
    },
  };
}

/**
 * Calls `freed` once the tab holding the validator lock has let it go for good (it closed). The
 * lock is queued for and let go at once when granted (a tab reloaded to take over must find it
 * free); `later` waits a moment, and if the lock is taken again by then (the validator's tab was
 * only reloading), it is queued for again.
 */
export function whenValidatorLockFree(locks: LockManagerLike, chainId: string, later: (fn: () => void) => void, freed: () => void): void {
  const name = validatorLockName(chainId);
  const queue = () => void locks.request(name, { ifAvailable: false }, async () => later(probe)).catch(() => undefined);
  const probe = () => void locks.request(name, { ifAvailable: true }, async (lock) => (lock ? freed() : queue())).catch(() => undefined);
  queue();
}

export const validatorLockName = (chainId: string) => `prevote-validator/${chainId}`;

/**
 * One key, one signer: the exclusive Web Lock on this chain's validator key, held until
 * released. Every tab and worker of the profile sees the same locks, so only one signs; a second
 * is refused at once (ifAvailable) rather than queued, and runs as an observer.
 */
export function takeValidatorLock(locks: LockManagerLike, chainId: string): Promise<ValidatorLock> {
  return new Promise((resolve, reject) => {
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    locks
      .request(validatorLockName(chainId), { ifAvailable: true }, async (lock) => {
        if (!lock) return resolve({ granted: false, release: () => {} });
        resolve({ granted: true, release });
        await held;
      })
      .catch(reject);
  });
}
