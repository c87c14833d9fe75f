// RFC 6962 Merkle tree against the upstream vectors; proofs round-trip and tampering fails.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propConfig } from '../../../test/props.js';
import { vectors } from '../../../test/shared.js';
import { toHex, utf8 } from '../bytes.js';
import { emptyHash, hashFromByteSlices, innerHash, leafHash, proofsFromByteSlices, splitPoint, verifyProof } from './merkle.js';

describe('Merkle tree (RFC 6962)', () => {
  const m = vectors.merkle_rfc6962_upstream;
  it('matches the upstream empty, leaf and inner hashes', () => {
    expect(toHex(emptyHash())).toBe(m.empty_tree_hex);
    expect(toHex(hashFromByteSlices([]))).toBe(m.empty_tree_hex);
    expect(toHex(leafHash(new Uint8Array(0)))).toBe(m['empty_leaf_hex (leaf = empty bytes)']);
    expect(toHex(leafHash(utf8('L123456')))).toBe(m.leaf_L123456_hex);
    expect(toHex(innerHash(utf8('N123'), utf8('N456')))).toBe(m.inner_N123_N456_hex);
  });

  it('split points and the root of [a, b, c]', () => {
    for (const [n, k] of Object.entries(vectors.partset_derived.split_point_examples)) expect(splitPoint(Number(n))).toBe(k);
    expect(toHex(hashFromByteSlices([utf8('a'), utf8('b'), utf8('c')]))).toBe(vectors.partset_derived.merkle_root_abc_hex);
  });

  it('every proof verifies against the root; a changed leaf or aunt does not (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 40 }), fc.nat(), (items, pick) => {
        const { root, proofs } = proofsFromByteSlices(items);
        expect(toHex(root)).toBe(toHex(hashFromByteSlices(items)));
        proofs.forEach((p, i) => expect(verifyProof(p, root, items[i])).toBe(true));
        const i = pick % items.length;
        expect(verifyProof(proofs[i], root, new Uint8Array([...items[i], 1]))).toBe(false);
        if (proofs[i].aunts.length > 0) {
          const aunts = proofs[i].aunts.map((a) => a.slice());
          aunts[0][0] ^= 1;
          expect(verifyProof({ ...proofs[i], aunts }, root, items[i])).toBe(false);
        }
      }),
      propConfig(60),
    );
  });
});
