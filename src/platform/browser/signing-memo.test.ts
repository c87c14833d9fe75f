// The signing memo must give exactly noble's signatures (a replay has to stay exact), make each
// once, and vouch only for signatures it made.
import { describe, expect, it } from 'vitest';
import * as ed from '@noble/ed25519';
import { installSyncEd25519, signSync, verifySync } from '../../core/crypto/ed25519.js';
import { signingMemo } from './signing-memo.js';

const seed = (i: number) => new Uint8Array(32).fill(i + 1);
const msg = (i: number) => new Uint8Array(120).map((_, k) => (k * 7 + i) & 0xff);

describe('signingMemo', () => {
  it('signs as noble does, once per seed and message', () => {
    const memo = signingMemo();
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expect(memo.sign(seed(i), msg(j))).toEqual(ed.sign(msg(j), seed(i)));
    expect(memo.made).toBe(12);
  });

  it('signs messages of every length and any seed exactly as noble does (keys expanded once)', () => {
    const memo = signingMemo();
    let x = 12345;
    const bytes = (n: number) => new Uint8Array(n).map(() => ((x = (x * 1103515245 + 12345) >>> 0), x >>> 24));
    for (let i = 0; i < 40; i++) {
      const s = bytes(32);
      const m = bytes(i * 7);
      expect(memo.sign(s, m)).toEqual(ed.sign(m, s));
    }
  });

  it('vouches for its own signatures only; the rest go on to the ZIP-215 check', () => {
    const memo = signingMemo();
    const sig = memo.sign(seed(0), msg(0));
    const pub = ed.getPublicKey(seed(0));
    expect(memo.verify(pub, msg(0), sig)).toBe(true);
    const forged = sig.slice();
    forged[5] ^= 1;
    expect(memo.verify(pub, msg(0), forged)).toBe(false);
    expect(memo.verify(pub, msg(1), sig)).toBe(false);
    installSyncEd25519(memo);
    try {
      expect(signSync(seed(2), msg(3))).toEqual(ed.sign(msg(3), seed(2)));
      expect(verifySync(pub, msg(0), forged)).toBe(false);
      expect(verifySync(ed.getPublicKey(seed(1)), msg(2), ed.sign(msg(2), seed(1)))).toBe(true); // not made here: noble says yes
    } finally {
      installSyncEd25519(null);
    }
  });

  it('a returned signature is a copy: changing it does not change what is remembered', () => {
    const memo = signingMemo();
    const a = memo.sign(seed(0), msg(0));
    a.fill(0);
    expect(memo.sign(seed(0), msg(0))).toEqual(ed.sign(msg(0), seed(0)));
  });

  it('forgets past its limit and still signs correctly', () => {
    const memo = signingMemo(3);
    for (let j = 0; j < 5; j++) memo.sign(seed(0), msg(j));
    expect(memo.sign(seed(0), msg(0))).toEqual(ed.sign(msg(0), seed(0)));
    expect(memo.made).toBe(6);
  });

  // Node has WebCrypto Ed25519 as Chromium does: signAsync must give noble's bytes either way
  it('signs asynchronously with WebCrypto exactly as noble does, once per seed and message', async () => {
    const memo = signingMemo();
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expect(await memo.signAsync(seed(i), msg(j))).toEqual(ed.sign(msg(j), seed(i)));
    expect(memo.made).toBe(12);
    // remembered: answered at once (no promise), and by the synchronous path too
    const again = memo.signAsync(seed(1), msg(2));
    expect(again).toBeInstanceOf(Uint8Array);
    expect(memo.sign(seed(1), msg(2))).toEqual(again);
    expect(memo.verify(ed.getPublicKey(seed(1)), msg(2), again as Uint8Array)).toBe(true);
    expect(memo.made).toBe(12);
  });

  it('the same message asked for twice at once is signed once', async () => {
    const memo = signingMemo();
    const [a, b] = await Promise.all([memo.signAsync(seed(0), msg(0)), memo.signAsync(seed(0), msg(0))]);
    expect(a).toEqual(ed.sign(msg(0), seed(0)));
    expect(b).toEqual(a);
    expect(memo.made).toBe(1);
  });

  it('falls back to noble where WebCrypto has no Ed25519, or gives other bytes than noble', async () => {
    const missing = { importKey: () => Promise.reject(new Error('NotSupportedError')), sign: () => Promise.reject(new Error('no')) };
    const wrong = {
      importKey: () => Promise.resolve({} as CryptoKey),
      sign: () => Promise.resolve(new Uint8Array(64).buffer),
    };
    for (const subtle of [missing, wrong, null]) {
      const memo = signingMemo(undefined, subtle);
      for (let j = 0; j < 3; j++) expect(await memo.signAsync(seed(2), msg(j))).toEqual(ed.sign(msg(j), seed(2)));
    }
  });
});
