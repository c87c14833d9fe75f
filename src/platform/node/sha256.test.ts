import { describe, expect, it } from 'vitest';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { nodeSha256 } from './sha256.js';
import { sha256 } from '../../core/crypto/sha256.js';

describe('node:crypto SHA-256 backend', () => {
  it.skipIf(!nodeSha256)('is installed by the test setup and agrees with noble on every length around the block sizes', () => {
    for (let n = 0; n <= 200; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      const got = sha256(data);
      expect(got.constructor).toBe(Uint8Array); // a plain array, not a pooled Buffer
      expect(got).toEqual(nobleSha256(data));
    }
  });
});
