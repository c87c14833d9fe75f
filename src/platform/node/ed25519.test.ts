// node:crypto as the core's synchronous Ed25519: identical signatures, and verdicts that never
// differ from ZIP-215 noble (what OpenSSL rejects, noble re-checks).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ed from '@noble/ed25519';
import { propConfig } from '../../../test/props.js';
import { zip215 } from '../../../test/shared.js';
import { fromHex } from '../../core/bytes.js';
import { verifySync } from '../../core/crypto/ed25519.js';
import { nodeEd25519 } from './ed25519.js';

describe('node:crypto Ed25519', () => {
  it('signs exactly as noble does (deterministic Ed25519)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), (seed, msg) => {
        expect(nodeEd25519.sign(seed, msg)).toEqual(ed.sign(msg, seed));
      }),
      propConfig(50),
    );
  });

  it('the 16 ZIP-215 vectors: whatever OpenSSL says, the installed verifySync says valid, as noble does', () => {
    const strict = zip215.cases.map((c) => nodeEd25519.verify(fromHex(c.pubkey), fromHex(c.msg), fromHex(c.sig)));
    expect(strict.some((ok) => !ok)).toBe(true); // OpenSSL is stricter than ZIP-215 on some
    for (const c of zip215.cases) expect(verifySync(fromHex(c.pubkey), fromHex(c.msg), fromHex(c.sig))).toBe(c.zip215_valid);
  });

  it('a flipped bit in a signature, message or key is invalid on both paths', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.nat(), (seed, msg, at) => {
        const pub = ed.getPublicKey(seed);
        const sig = nodeEd25519.sign(seed, msg);
        expect(nodeEd25519.verify(pub, msg, sig)).toBe(true);
        const bad = sig.slice();
        bad[at % 64] ^= 1 << (at % 8);
        expect(nodeEd25519.verify(pub, msg, bad)).toBe(false);
        expect(verifySync(pub, msg, bad)).toBe(ed.verify(bad, msg, pub, { zip215: true }));
      }),
      propConfig(50),
    );
  });
});
