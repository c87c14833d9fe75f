// PartSet against partset_derived and the part-set edge cases of catalogue group H.
import { describe, expect, it } from 'vitest';
import { vectors } from '../../../test/shared.js';
import { BLOCK_PART_SIZE_BYTES } from '../types.js';
import type { Part } from '../types.js';
import { toHex, utf8 } from '../bytes.js';
import { PartSetError, ValidationError } from '../errors.js';
import { validatePart, validatePartSetHeader } from '../encoding/validate.js';
import { PartSet } from './part-set.js';

function data(n: number): Uint8Array {
  const d = new Uint8Array(n);
  for (let i = 0; i < n; i++) d[i] = (i * 7 + 3) & 0xff;
  return d;
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as PartSetError).code;
  }
};

describe('PartSet', () => {
  it('reproduces partset_derived: parts, header and proofs', () => {
    const v = vectors.partset_derived;
    const ps = PartSet.fromData(utf8(v.data_utf8), v.part_size);
    expect(ps.total).toBe(v.part_set_header.total);
    expect(toHex(ps.header().hash)).toBe(v.part_set_header.hash_hex);
    v.parts_hex.forEach((hex: string, i: number) => expect(toHex(ps.getPart(i)!.bytes)).toBe(hex));
    for (const p of v.proofs) {
      const proof = ps.getPart(p.index)!.proof;
      expect(proof.total).toBe(p.total);
      expect(toHex(proof.leafHash)).toBe(p.leaf_hash_hex);
      expect(proof.aunts.map(toHex)).toEqual(p.aunts_hex);
    }
  });

  it('H-01 round-trip of 100 parts', () => {
    const bytes = data(100 * BLOCK_PART_SIZE_BYTES);
    const sent = PartSet.fromData(bytes);
    expect(sent.total).toBe(100);
    const got = PartSet.fromHeader(sent.header());
    for (let i = 0; i < 100; i++) expect(got.addPart(sent.getPart(i)!)).toBe(true);
    expect(got.isComplete()).toBe(true);
    expect(got.byteSize).toBe(100 * BLOCK_PART_SIZE_BYTES);
    expect(toHex(got.toBytes())).toBe(toHex(bytes));
  });

  const sent = PartSet.fromData(data(3 * BLOCK_PART_SIZE_BYTES + 100));
  const fresh = () => PartSet.fromHeader(sent.header());
  const part = (i: number): Part => {
    const p = sent.getPart(i)!;
    return { index: p.index, bytes: p.bytes.slice(), proof: { ...p.proof, leafHash: p.proof.leafHash.slice(), aunts: p.proof.aunts.map((a) => a.slice()) } };
  };

  it('H-02 index ≥ total is ErrPartSetUnexpectedIndex', () => {
    expect(codeOf(() => fresh().addPart({ ...part(0), index: 10000 }))).toBe('ErrPartSetUnexpectedIndex');
  });

  it('H-03 a duplicate part is not added and not an error', () => {
    const ps = fresh();
    expect(ps.addPart(part(1))).toBe(true);
    expect(ps.addPart(part(1))).toBe(false);
    expect(ps.count).toBe(1);
  });

  it('H-04 a tampered aunt and H-05 tampered bytes fail the proof', () => {
    const a = part(0);
    a.proof.aunts[0][0] ^= 1;
    expect(codeOf(() => fresh().addPart(a))).toBe('ErrPartSetInvalidProof');
    const b = part(2);
    b.bytes[5] ^= 1;
    expect(codeOf(() => fresh().addPart(b))).toBe('ErrPartSetInvalidProof');
  });

  it('H-06 proof index ≠ part index is refused by ValidateBasic and by AddPart', () => {
    const p = { ...part(1), proof: part(0).proof };
    expect(() => validatePart(p)).toThrow(ValidationError);
    expect(codeOf(() => fresh().addPart(p))).toBe('ErrPartSetInvalidProof');
  });

  it('H-07 proof total ≠ part-set total is an invalid proof', () => {
    const p = part(1);
    p.proof.total = 5;
    expect(codeOf(() => fresh().addPart(p))).toBe('ErrPartSetInvalidProof');
  });

  it('H-08 a part over 64 KiB is ErrPartTooBig; H-09 only the last part may be short', () => {
    expect(codeOf(() => validatePart({ ...part(0), bytes: new Uint8Array(BLOCK_PART_SIZE_BYTES + 1) }))).toBe('ErrPartTooBig');
    expect(codeOf(() => validatePart({ ...part(0), bytes: new Uint8Array(BLOCK_PART_SIZE_BYTES - 1) }))).toBe('ErrPartInvalidSize');
    expect(codeOf(() => validatePart(part(3)))).toBeNull(); // 100-byte last part
    expect(codeOf(() => validatePart(part(1)))).toBeNull();
  });

  it('H-10 an oversized proof (1 MiB leaf hash) is rejected', () => {
    const p = part(0);
    p.proof.leafHash = new Uint8Array(1 << 20);
    expect(codeOf(() => validatePart(p))).toBe('ErrValidateBasic');
  });

  it('H-11 a 1-byte PartSetHeader hash fails ValidateBasic; the empty header is legal', () => {
    expect(() => validatePartSetHeader({ total: 1, hash: new Uint8Array(1) })).toThrow(ValidationError);
    expect(() => validatePartSetHeader({ total: 0, hash: new Uint8Array(0) })).not.toThrow();
  });

  it('H-12 parts for another header fail proof verification; a huge total is refused before allocation', () => {
    const other = PartSet.fromData(data(2 * BLOCK_PART_SIZE_BYTES));
    const ps = PartSet.fromHeader(other.header());
    expect(codeOf(() => ps.addPart(part(0)))).toBe('ErrPartSetInvalidProof');
    expect(codeOf(() => PartSet.fromHeader({ total: 2 ** 31, hash: new Uint8Array(32) }))).toBe('ErrPartSetTooBig');
  });
});
