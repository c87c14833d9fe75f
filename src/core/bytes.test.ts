// UTF-8 decoding of peer bytes: never throws, and agrees with the platform's strict decoder on
// what is well-formed (issue 10: one 6-byte transaction used to halt every node).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeUtf8, fromHex, utf8 } from './bytes.js';

const strict = new TextDecoder('utf-8', { fatal: true });

describe('decodeUtf8', () => {
  it('a code point above U+10FFFF (6b 3d f4 90 80 80) decodes as invalid instead of throwing', () => {
    expect(decodeUtf8(fromHex('6b3df4908080'))).toEqual({ text: 'k=\ufffd', valid: false });
  });

  it('overlong forms, surrogates, stray continuations and truncated tails are invalid', () => {
    for (const hex of ['c080', 'e08080', 'f0808080', 'eda080', '80', 'bf', 'e282', 'f09f98', 'ff', 'f5808080']) {
      expect(decodeUtf8(fromHex(hex)).valid, hex).toBe(false);
    }
  });

  it('round-trips every string and agrees with a strict TextDecoder on random bytes (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(decodeUtf8(utf8(s))).toEqual({ text: s, valid: true });
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (b) => {
        let expected: string | null = null;
        try {
          expected = strict.decode(b);
        } catch {
          /* ill-formed */
        }
        const got = decodeUtf8(b);
        expect(got.valid).toBe(expected !== null);
        if (expected !== null) expect(got.text).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });
});
