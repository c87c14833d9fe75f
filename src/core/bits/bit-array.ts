// BitArray (CometBFT internal/bits): which validators' votes, which block parts, a node holds.
//
// Stored as 32-bit words; the protobuf form is CometBFT's `bits` + uint64 `elems` with bit i at
// bit (i % 64) of elems[i / 64], least significant first (spec §9.2). Padding bits past `bits`
// are kept at zero by every operation here (CometBFT's Not() flips them, spec §16.2), so counts
// and picks never see phantom indices.
import { DecodeError } from '../errors.js';
import { MAX_VOTES_COUNT } from '../types.js';

/** Returns a uniformly random integer in [0, n). Injected so that the core stays deterministic. */
export type RandInt = (n: number) => number;

export class BitArray {
  readonly bits: number;
  private readonly words: Uint32Array;

  constructor(bits: number) {
    if (!Number.isInteger(bits) || bits < 0) throw new RangeError(`BitArray size ${bits}`);
    this.bits = bits;
    this.words = new Uint32Array(Math.ceil(bits / 32));
  }

  static fromIndices(bits: number, indices: Iterable<number>): BitArray {
    const ba = new BitArray(bits);
    for (const i of indices) ba.set(i, true);
    return ba;
  }

  /** Parses CometBFT's string form (`BA{4:xx_x}` or just `xx_x`). */
  static fromString(s: string): BitArray {
    const m = /^BA\{(\d+):([x_\s]*)\}$/.exec(s.trim());
    const body = (m ? m[2] : s).replace(/\s+/g, '');
    if (!/^[x_]*$/.test(body)) throw new DecodeError('ErrBitArrayString', `not a bit-array string: ${s}`);
    const ba = new BitArray(body.length);
    for (let i = 0; i < body.length; i++) if (body[i] === 'x') ba.set(i, true);
    return ba;
  }

  /**
   * From the protobuf form. Rejects sizes beyond `maxBits` and an `elems` length that does not
   * match `bits` (ASA-2025-003) before allocating anything.
   */
  static fromProto(bits: bigint | number, elems: readonly bigint[], maxBits = MAX_VOTES_COUNT): BitArray {
    const n = Number(bits);
    if (!Number.isSafeInteger(n) || n < 0) throw new DecodeError('ErrBitArraySize', `bit array size ${bits} is negative or too large`);
    if (n > maxBits) throw new DecodeError('ErrBitArraySize', `bit array size ${n} exceeds the maximum ${maxBits}`, { bits: n, maxBits });
    if (elems.length !== Math.ceil(n / 64)) {
      throw new DecodeError('ErrBitArrayElems', `bit array of ${n} bits carries ${elems.length} elems, expected ${Math.ceil(n / 64)}`);
    }
    const ba = new BitArray(n);
    for (let e = 0; e < elems.length; e++) {
      const v = BigInt.asUintN(64, elems[e]);
      ba.words[2 * e] = Number(v & 0xffffffffn);
      if (2 * e + 1 < ba.words.length) ba.words[2 * e + 1] = Number(v >> 32n);
    }
    ba.clearPadding();
    return ba;
  }

  toProto(): { bits: bigint; elems: bigint[] } {
    const elems: bigint[] = [];
    for (let e = 0; e < Math.ceil(this.bits / 64); e++) {
      const lo = BigInt(this.words[2 * e]);
      const hi = BigInt(this.words[2 * e + 1] ?? 0);
      elems.push((hi << 32n) | lo);
    }
    return { bits: BigInt(this.bits), elems };
  }

  get(i: number): boolean {
    if (i < 0 || i >= this.bits) return false;
    return ((this.words[i >>> 5] >>> (i & 31)) & 1) === 1;
  }

  /** Sets bit i; returns false (and changes nothing) when i is out of range, like CometBFT. */
  set(i: number, v = true): boolean {
    if (!Number.isInteger(i) || i < 0 || i >= this.bits) return false;
    if (v) this.words[i >>> 5] |= 1 << (i & 31);
    else this.words[i >>> 5] &= ~(1 << (i & 31));
    return true;
  }

  copy(): BitArray {
    return this.resized(this.bits);
  }

  /** A copy with `bits` bits (truncated or zero-extended). */
  private resized(bits: number): BitArray {
    const c = new BitArray(bits);
    c.words.set(this.words.subarray(0, Math.min(this.words.length, c.words.length)));
    c.clearPadding();
    return c;
  }

  /** Union; the result has the size of the larger operand. */
  or(o: BitArray): BitArray {
    const c = this.resized(Math.max(this.bits, o.bits));
    for (let w = 0; w < o.words.length; w++) c.words[w] |= o.words[w];
    return c;
  }

  /** Intersection; the result has the size of the smaller operand. */
  and(o: BitArray): BitArray {
    const c = this.resized(Math.min(this.bits, o.bits));
    for (let w = 0; w < c.words.length; w++) c.words[w] &= o.words[w];
    return c;
  }

  /** Complement within `bits` (padding stays zero). */
  not(): BitArray {
    const c = new BitArray(this.bits);
    for (let w = 0; w < c.words.length; w++) c.words[w] = ~this.words[w];
    c.clearPadding();
    return c;
  }

  /** `this = a AND NOT b`, in place; `a` has this array's size (gossip's scratch array: no garbage). */
  assignSub(a: BitArray, b: BitArray): this {
    if (a.bits !== this.bits) throw new RangeError(`assignSub of ${a.bits} bits into ${this.bits}`);
    const n = Math.min(this.words.length, b.words.length);
    for (let w = 0; w < n; w++) this.words[w] = a.words[w] & ~b.words[w];
    for (let w = n; w < this.words.length; w++) this.words[w] = a.words[w];
    return this;
  }

  /** Clears each set bit for which `when(i)` holds (in ascending order). */
  clearWhen(when: (i: number) => boolean): this {
    for (let w = 0; w < this.words.length; w++) {
      let x = this.words[w];
      while (x !== 0) {
        const low = x & -x;
        if (when(w * 32 + (31 - Math.clz32(low)))) this.words[w] &= ~low;
        x ^= low;
      }
    }
    return this;
  }

  /** `this AND NOT o`; the result has the size of `this` (spec §16.2). */
  sub(o: BitArray): BitArray {
    const c = this.copy();
    const n = Math.min(c.words.length, o.words.length);
    for (let w = 0; w < n; w++) c.words[w] &= ~o.words[w];
    c.clearPadding();
    return c;
  }

  /** Overwrites this array's bits with o's where both have them (CometBFT `Update`). */
  update(o: BitArray): void {
    const n = Math.min(this.words.length, o.words.length);
    for (let w = 0; w < n; w++) this.words[w] = o.words[w];
    this.clearPadding();
  }

  count(): number {
    let n = 0;
    for (const w of this.words) {
      let x = w;
      x = x - ((x >>> 1) & 0x55555555);
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      n += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return n;
  }

  isEmpty(): boolean {
    return this.words.every((w) => w === 0);
  }

  isFull(): boolean {
    return this.count() === this.bits;
  }

  equals(o: BitArray): boolean {
    return this.bits === o.bits && this.words.every((w, i) => w === o.words[i]);
  }

  /** The set indices in ascending order (a word at a time: gossip asks this on every pass). */
  *indices(): Generator<number> {
    for (let w = 0; w < this.words.length; w++) {
      let x = this.words[w];
      while (x !== 0) {
        const low = x & -x;
        yield w * 32 + (31 - Math.clz32(low));
        x ^= low;
      }
    }
  }

  /** A uniformly random set index, or null when none is set (tendermint #2534: uniform). */
  pickRandom(randInt: RandInt): number | null {
    const n = this.count();
    if (n === 0) return null;
    let k = randInt(n);
    for (let w = 0; w < this.words.length; w++) {
      let x = this.words[w];
      while (x !== 0) {
        const low = x & -x;
        if (k === 0) return w * 32 + (31 - Math.clz32(low));
        k--;
        x ^= low;
      }
    }
    throw new Error('unreachable: pickRandom ran past count');
  }

  /** CometBFT's form: `BA{5:x_xx_}`, 100 bits per line. */
  toString(indent = ''): string {
    const lines: string[] = [];
    let line = '';
    for (let i = 0; i < this.bits; i++) {
      line += this.get(i) ? 'x' : '_';
      if (i % 100 === 99 && i !== this.bits - 1) {
        lines.push(line);
        line = '';
      }
    }
    lines.push(line);
    return `BA{${this.bits}:${lines.join(`\n${indent}`)}}`;
  }

  private clearPadding(): void {
    const rem = this.bits & 31;
    if (rem !== 0) this.words[this.words.length - 1] &= (1 << rem) - 1;
    if (this.bits === 0 && this.words.length) this.words.fill(0);
  }
}
