import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propConfig } from '../../../test/props.js';
import { BitArray } from './bit-array.js';
import { DecodeError } from '../errors.js';
import vectors from '../../../../shared/spec/vectors.json' with { type: 'json' };

const arb = fc.integer({ min: 0, max: 200 }).chain((n) =>
  fc.tuple(fc.constant(n), fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, n - 1) }), { maxLength: n })),
).map(([n, idx]) => BitArray.fromIndices(n, n === 0 ? [] : idx));

describe('BitArray', () => {
  it('prints CometBFT string form and parses it back', () => {
    const ba = BitArray.fromIndices(4, [0, 1, 3]);
    expect(ba.toString()).toBe('BA{4:xx_x}');
    expect(BitArray.fromString('BA{4:xx_x}').equals(ba)).toBe(true);
    expect(new BitArray(0).toString()).toBe('BA{0:}');
  });

  it('matches the protobuf vector (bits=5, set 0,2,3 → elems [13])', () => {
    const ba = BitArray.fromIndices(5, [0, 2, 3]);
    expect(ba.toProto()).toEqual({ bits: 5n, elems: [13n] });
    expect(vectors.reactor_messages_derived['BitArray{bits=5, set=[0,2,3]} (repeated uint64 elems, packed)']).toBe('080512010d');
  });

  it('round-trips through the proto form at word boundaries', () => {
    for (const n of [1, 31, 32, 33, 63, 64, 65, 128, 130]) {
      const ba = BitArray.fromIndices(n, [0, n - 1, Math.floor(n / 2)]);
      const p = ba.toProto();
      expect(BitArray.fromProto(p.bits, p.elems).equals(ba)).toBe(true);
    }
  });

  it('rejects inconsistent or oversize proto input before allocating (ASA-2025-003)', () => {
    expect(() => BitArray.fromProto(5n, [])).toThrow(DecodeError);
    expect(() => BitArray.fromProto(5n, [1n, 2n])).toThrow(DecodeError);
    expect(() => BitArray.fromProto(1n << 40n, [])).toThrow(/exceeds/);
    expect(() => BitArray.fromProto(-1n, [])).toThrow(DecodeError);
    // padding bits set by a peer are ignored
    expect(BitArray.fromProto(3n, [0xffn]).count()).toBe(3);
  });

  it('not() keeps padding clear; sub() keeps the left size (tendermint #2506)', () => {
    const a = BitArray.fromIndices(10, [1, 2]);
    expect(a.not().count()).toBe(8);
    const b = BitArray.fromIndices(70, [1, 65]);
    expect(a.sub(b).bits).toBe(10);
    expect([...a.sub(b).indices()]).toEqual([2]);
    expect(b.sub(a).bits).toBe(70);
    expect([...b.sub(a).indices()]).toEqual([65]);
  });

  it('or/and sizes follow CometBFT', () => {
    const a = BitArray.fromIndices(3, [0]);
    const b = BitArray.fromIndices(40, [39]);
    expect(a.or(b).bits).toBe(40);
    expect([...a.or(b).indices()]).toEqual([0, 39]);
    expect(a.and(b).bits).toBe(3);
  });

  it('set-algebra laws hold (property)', () => {
    fc.assert(fc.property(arb, arb, (a, b) => {
      const u = a.or(b);
      const s = a.sub(b);
      expect(s.bits).toBe(a.bits);
      for (let i = 0; i < u.bits; i++) {
        expect(u.get(i)).toBe(a.get(i) || b.get(i));
        if (i < a.bits) expect(s.get(i)).toBe(a.get(i) && !b.get(i));
      }
      expect(a.not().not().equals(a)).toBe(true);
      expect(a.count() + a.not().count()).toBe(a.bits);
    }), propConfig(100));
  });

  it('pickRandom is uniform over set bits and null when empty', () => {
    const ba = BitArray.fromIndices(100, [3, 40, 77, 99]);
    const counts = new Map<number, number>();
    let seed = 7;
    // mulberry32: a small PRNG whose low bits are usable
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    };
    for (let i = 0; i < 4000; i++) {
      const k = ba.pickRandom(rand)!;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((x, y) => x - y)).toEqual([3, 40, 77, 99]);
    for (const c of counts.values()) expect(c).toBeGreaterThan(800);
    expect(new BitArray(10).pickRandom(rand)).toBeNull();
  });

  it('assignSub writes a AND NOT b into the array, whatever it held, and clearWhen clears by index', () => {
    const a = BitArray.fromIndices(70, [0, 5, 33, 64, 69]);
    const scratch = BitArray.fromIndices(70, [1, 2, 3, 68]); // stale bits from an earlier pick
    expect([...scratch.assignSub(a, BitArray.fromIndices(40, [5, 33])).indices()]).toEqual([0, 64, 69]); // b shorter: the rest of a stays
    expect([...scratch.assignSub(a, BitArray.fromIndices(70, [0, 69])).indices()]).toEqual([5, 33, 64]);
    expect(() => new BitArray(10).assignSub(a, a)).toThrow(RangeError);
    expect([...scratch.clearWhen((i) => i > 10).indices()]).toEqual([5]);
  });
});
