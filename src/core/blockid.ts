// BlockID helpers (spec §1.3). Two BlockIDs are equal only if hash AND part-set header are equal.
import type { BlockID, Bytes, PartSetHeader } from './types.js';
import { HASH_SIZE } from './types.js';
import { bytesEqual, bytesKey, EMPTY_BYTES, toHex } from './bytes.js';

export const ZERO_PART_SET_HEADER: PartSetHeader = Object.freeze({ total: 0, hash: EMPTY_BYTES }) as PartSetHeader;

export function nilBlockId(): BlockID {
  return { hash: EMPTY_BYTES, partSetHeader: { total: 0, hash: EMPTY_BYTES } };
}

export function isNilBlockId(id: BlockID): boolean {
  return id.hash.length === 0 && id.partSetHeader.total === 0 && id.partSetHeader.hash.length === 0;
}

/** [CMT] complete = a real block id: 32-byte hash, at least one part, 32-byte part-set root. */
export function isCompleteBlockId(id: BlockID): boolean {
  return id.hash.length === HASH_SIZE && id.partSetHeader.total > 0 && id.partSetHeader.hash.length === HASH_SIZE;
}

export function partSetHeaderEqual(a: PartSetHeader, b: PartSetHeader): boolean {
  return a.total === b.total && bytesEqual(a.hash, b.hash);
}

export function blockIdEqual(a: BlockID, b: BlockID): boolean {
  return bytesEqual(a.hash, b.hash) && partSetHeaderEqual(a.partSetHeader, b.partSetHeader);
}

// Keys per BlockID object: every vote added looks its block's key up a few times, and BlockIDs
// are values (never changed once made or decoded), so the string is made once per object.
const keys = new WeakMap<BlockID, string>();

/** An opaque map key: equal keys iff equal BlockIDs (the hash's length first, so no split is ambiguous). */
export function blockIdKey(id: BlockID): string {
  let key = keys.get(id);
  if (key === undefined) keys.set(id, (key = `${id.hash.length}:${bytesKey(id.hash)}${id.partSetHeader.total}|${bytesKey(id.partSetHeader.hash)}`));
  return key;
}

/** Block.hashesTo: compares only the header hash, and is false for an empty hash (spec §1.3). */
export function hashesTo(blockHash: Bytes | null | undefined, hash: Bytes): boolean {
  return !!blockHash && hash.length > 0 && bytesEqual(blockHash, hash);
}

/** CometBFT's short form, e.g. `8B0102338:1:72DB3D959635` (first 6 bytes of each hash). */
export function blockIdShort(id: BlockID): string {
  if (isNilBlockId(id)) return 'nil';
  const f = (b: Bytes) => toHex(b.subarray(0, 6)).toUpperCase();
  return `${f(id.hash)}:${id.partSetHeader.total}:${f(id.partSetHeader.hash)}`;
}
