// The project's verifier in Node: ZIP-215 vectors all valid, WebCrypto and noble never disagree.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propConfig } from '../../../test/props.js';
import { zip215 } from '../../../test/shared.js';
import { fromHex } from '../../core/bytes.js';
import { findSigner, findSignerSync, nobleVerifier, publicKeyFromSeed, signSync, verifySync } from '../../core/crypto/ed25519.js';
import { WebCryptoVerifier, createKeySigner, createVerifier, webCryptoHasEd25519 } from './webcrypto-verifier.js';

describe('Ed25519 verifier', () => {
  it('Node 20+ has WebCrypto Ed25519, so the fast path is in use', async () => {
    expect(await webCryptoHasEd25519()).toBe(true);
    expect(await createVerifier()).toBeInstanceOf(WebCryptoVerifier);
  });

  it('all 16 ZIP-215 cases verify as valid (WebCrypto rejections are rescued)', async () => {
    const v = (await createVerifier()) as WebCryptoVerifier;
    expect(zip215.cases).toHaveLength(16);
    const items = zip215.cases.map((c) => ({ pubKey: fromHex(c.pubkey), message: fromHex(c.msg), signature: fromHex(c.sig) }));
    expect(await v.verifyBatch(items)).toEqual(items.map(() => true));
    expect(items.every((it) => verifySync(it.pubKey, it.message, it.signature))).toBe(true);
    expect(v.stats.rescued).toBe(zip215.cases.filter((c) => !c.webcrypto_accepts).length);
    // a corrupted one is still invalid on both paths
    const bad = { ...items[0], message: new Uint8Array([...items[0].message, 0]) };
    expect(await v.verify(bad.pubKey, bad.message, bad.signature)).toBe(false);
  });

  it('the signer of a proposal among keys: WebCrypto on every key first, a ZIP-215 re-check only when all reject; the same answers as the synchronous search', async () => {
    const keys = [1, 2, 3, 4].map((b) => publicKeyFromSeed(new Uint8Array(32).fill(b)));
    const message = new TextEncoder().encode('a proposal');
    const signature = signSync(new Uint8Array(32).fill(3), message);
    const v = (await createVerifier()) as WebCryptoVerifier;
    expect(await findSigner(v, keys, message, signature)).toBe(2);
    expect(v.stats).toEqual({ webcrypto: 3, rescued: 0 }); // keys 0 and 1 rejected without noble
    expect(findSignerSync(keys, message, signature)).toBe(2);
    // nobody's: -1 on both paths
    const other = signSync(new Uint8Array(32).fill(9), message);
    expect(await findSigner(v, keys, message, other)).toBe(-1);
    expect(findSignerSync(keys, message, other)).toBe(-1);
    // a signature only ZIP-215 accepts (WebCrypto rejects it) is still found, behind a key it does not verify under
    const rescue = zip215.cases.find((c) => !c.webcrypto_accepts)!;
    const among = [keys[0], fromHex(rescue.pubkey), keys[1]];
    expect(await findSigner(v, among, fromHex(rescue.msg), fromHex(rescue.sig))).toBe(1);
    expect(findSignerSync(among, fromHex(rescue.msg), fromHex(rescue.sig))).toBe(1);
    expect(await findSigner(nobleVerifier, among, fromHex(rescue.msg), fromHex(rescue.sig))).toBe(1);
  });

  it('WebCrypto signer and noble produce the same signatures; both verifiers agree (property)', async () => {
    const v = await createVerifier();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 100 }), fc.nat(63), async (seed, msg, flip) => {
        const signer = await createKeySigner(seed);
        const sig = await signer.sign(msg);
        expect(sig).toEqual(signSync(seed, msg));
        expect(signer.pubKey).toEqual(publicKeyFromSeed(seed));
        const tampered = sig.slice();
        tampered[flip] ^= 1;
        for (const s of [sig, tampered]) expect(await v.verify(signer.pubKey, msg, s)).toBe(verifySync(signer.pubKey, msg, s));
      }),
      propConfig(40),
    );
  });
});
