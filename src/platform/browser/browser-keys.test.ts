// A tab's keys with Node's WebCrypto (Ed25519 since Node 20) and a memory vault standing in for
// IndexedDB (both store structured clones): made once, the same on the next load, the validator's
// private key not extractable and its signatures valid for our verifier; the lock admits one holder.
import { describe, expect, it } from 'vitest';
import { peerIdFromString } from '@libp2p/peer-id';
import { publicKeyFromSeed, verifySync } from '../../core/crypto/ed25519.js';
import { createVerifier } from '../shared/webcrypto-verifier.js';
import {
  addressHex,
  loadOrCreateNodeKey,
  loadOrCreateValidatorKey,
  loadValidatorPubKey,
  memoryKeyVault,
  memoryLocks,
  peerIdOfNodeKey,
  takeValidatorLock,
  validatorLockName,
  whenValidatorLockFree,
} from './browser-keys.js';

const subtle = globalThis.crypto.subtle;
const random = (b: Uint8Array) => globalThis.crypto.getRandomValues(b);

describe('browser keys', () => {
  it('makes the validator key once, non-extractable, and loads the same one after', async () => {
    const vault = memoryKeyVault();
    const a = await loadOrCreateValidatorKey(vault, 'chain-a', subtle);
    const b = await loadOrCreateValidatorKey(vault, 'chain-a', subtle);
    expect(b.pubKey).toEqual(a.pubKey);
    expect(b.address).toBe(a.address);
    expect(a.address).toMatch(/^[0-9A-F]{40}$/);
    expect(a.address).toBe(addressHex(a.pubKey));
    expect(a.privateKey.extractable).toBe(false);
    await expect(subtle.exportKey('pkcs8', b.privateKey)).rejects.toThrow();
    expect(await loadValidatorPubKey(vault, 'chain-a')).toEqual(a.pubKey);
    // another chain, another key
    const other = await loadOrCreateValidatorKey(vault, 'chain-b', subtle);
    expect(other.pubKey).not.toEqual(a.pubKey);
  });

  it('signs what our verifier accepts (WebCrypto and ZIP-215 paths alike)', async () => {
    const vault = memoryKeyVault();
    const k = await loadOrCreateValidatorKey(vault, 'c', subtle);
    const msg = new TextEncoder().encode('a vote');
    const sig = await k.signer.sign(msg);
    expect(sig).toHaveLength(64);
    expect(await (await createVerifier()).verify(k.pubKey, msg, sig)).toBe(true);
    expect(verifySync(k.pubKey, msg, sig)).toBe(true);
    // reloaded from the vault, the same key signs the same bytes the same way (Ed25519 is deterministic)
    const again = await loadOrCreateValidatorKey(vault, 'c', subtle);
    expect(await again.signer.sign(msg)).toEqual(sig);
  });

  it('refuses to replace an unreadable validator record', async () => {
    const vault = memoryKeyVault();
    await vault.put('validator/c', { garbage: true });
    await expect(loadOrCreateValidatorKey(vault, 'c', subtle)).rejects.toThrow(/unreadable/);
  });

  it('keeps the node key as a 32-byte seed whose peer id is the libp2p one', async () => {
    const vault = memoryKeyVault();
    const seed = await loadOrCreateNodeKey(vault, 'c', random);
    expect(seed).toHaveLength(32);
    expect(await loadOrCreateNodeKey(vault, 'c', random)).toEqual(seed);
    const id = await peerIdOfNodeKey(seed);
    expect(id).toMatch(/^12D3KooW/);
    expect(peerIdFromString(id).publicKey!.raw).toEqual(publicKeyFromSeed(seed));
  });

  it('grants the validator lock to one holder at a time', async () => {
    const locks = memoryLocks();
    const first = await takeValidatorLock(locks, 'c');
    const second = await takeValidatorLock(locks, 'c');
    expect(first.granted).toBe(true);
    expect(second.granted).toBe(false);
    expect(locks.held.has(validatorLockName('c'))).toBe(true);
    expect((await takeValidatorLock(locks, 'other-chain')).granted).toBe(true);
    first.release();
    await new Promise((r) => setTimeout(r, 0));
    expect((await takeValidatorLock(locks, 'c')).granted).toBe(true);
  });

  it('an observer hears that the validator\'s tab closed, not that it reloaded, and leaves the lock free for its own reload', async () => {
    const settle = () => new Promise((r) => setTimeout(r, 0));
    const locks = memoryLocks();
    const validator = await takeValidatorLock(locks, 'c');
    const later: (() => void)[] = [];
    let freed = 0;
    whenValidatorLockFree(locks, 'c', (fn) => later.push(fn), () => freed++);
    await settle();
    expect(later).toHaveLength(0); // queued behind the validator's tab
    validator.release(); // the tab reloads…
    await settle();
    expect(locks.held.has(validatorLockName('c'))).toBe(false); // granted, and let go at once
    const reloaded = await takeValidatorLock(locks, 'c'); // …and takes its lock back
    expect(reloaded.granted).toBe(true);
    later.shift()!(); // the grace period ends: taken again, so not freed; queued once more
    await settle();
    expect(freed).toBe(0);
    reloaded.release(); // now it closes
    await settle();
    later.shift()!();
    await settle();
    expect(freed).toBe(1);
    expect((await takeValidatorLock(locks, 'c')).granted).toBe(true); // free for the observer's reload
  });
});
