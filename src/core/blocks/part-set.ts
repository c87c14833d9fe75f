// PartSet: a block's bytes split into 64 KiB parts under a Merkle root (spec §8).
//
// A sender builds it from data; a receiver builds it from the proposal's PartSetHeader and accepts
// a part only with a proof for that header and index. Sizes from the header are checked before
// anything is allocated, so a peer cannot make us reserve memory with a huge `total`.
import type { Part, PartSetHeader } from '../types.js';
import { BLOCK_PART_SIZE_BYTES, MAX_BLOCK_PARTS_COUNT } from '../types.js';
import { BitArray } from '../bits/bit-array.js';
import { partSetHeaderEqual } from '../blockid.js';
import { concat, toHex } from '../bytes.js';
import { PartSetError } from '../errors.js';
import { proofsFromByteSlices, verifyProof } from '../crypto/merkle.js';

export class PartSet {
  private readonly parts: (Part | null)[];
  private readonly bits: BitArray;
  private _count = 0;
  private _byteSize = 0;

  private constructor(
    readonly total: number,
    private readonly hash: Uint8Array,
  ) {
    this.parts = new Array<Part | null>(total).fill(null);
    this.bits = new BitArray(total);
  }

  static fromData(data: Uint8Array, partSize = BLOCK_PART_SIZE_BYTES): PartSet {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < data.length; i += partSize) chunks.push(data.slice(i, Math.min(data.length, i + partSize)));
    const { root, proofs } = proofsFromByteSlices(chunks);
    const ps = new PartSet(chunks.length, root);
    chunks.forEach((bytes, index) => {
      ps.parts[index] = { index, bytes, proof: proofs[index] };
      ps.bits.set(index);
    });
    ps._count = chunks.length;
    ps._byteSize = data.length;
    return ps;
  }

  /** An empty receiving set for `header`; `maxParts` bounds `total` before allocation. */
  static fromHeader(header: PartSetHeader, maxParts = MAX_BLOCK_PARTS_COUNT): PartSet {
    if (!Number.isInteger(header.total) || header.total < 0 || header.total > maxParts) {
      throw new PartSetError('ErrPartSetTooBig', `part set total ${header.total} exceeds ${maxParts}`, { total: header.total, maxParts });
    }
    return new PartSet(header.total, header.hash);
  }

  header(): PartSetHeader {
    return { total: this.total, hash: this.hash };
  }

  hasHeader(h: PartSetHeader): boolean {
    return partSetHeaderEqual(this.header(), h);
  }

  /** True if added, false for a duplicate; throws PartSetError for a bad index or proof. */
  addPart(part: Part): boolean {
    if (!Number.isInteger(part.index) || part.index < 0 || part.index >= this.total) {
      throw new PartSetError('ErrPartSetUnexpectedIndex', `part index ${part.index} outside [0, ${this.total})`, { index: part.index });
    }
    if (this.parts[part.index]) return false;
    if (part.proof.total !== this.total || part.proof.index !== part.index || !verifyProof(part.proof, this.hash, part.bytes)) {
      throw new PartSetError('ErrPartSetInvalidProof', `part ${part.index} does not prove into ${toHex(this.hash).slice(0, 12)}`, {
        index: part.index,
      });
    }
    this.parts[part.index] = part;
    this.bits.set(part.index);
    this._count++;
    this._byteSize += part.bytes.length;
    return true;
  }

  getPart(index: number): Part | null {
    return this.parts[index] ?? null;
  }

  isComplete(): boolean {
    return this._count === this.total;
  }

  get count(): number {
    return this._count;
  }

  get byteSize(): number {
    return this._byteSize;
  }

  bitArray(): BitArray {
    return this.bits.copy();
  }

  /** The parts held, not copied: for reading at once (gossip's picks), never to keep or change. */
  bitArrayView(): BitArray {
    return this.bits;
  }

  /** The reassembled data; only for a complete set. */
  toBytes(): Uint8Array {
    if (!this.isComplete()) throw new PartSetError('ErrPartSetIncomplete', `part set has ${this._count} of ${this.total} parts`);
    return concat(...this.parts.map((p) => p!.bytes));
  }

  toString(): string {
    return `${this.bits.toString()} ${this._count}/${this.total}`;
  }
}
