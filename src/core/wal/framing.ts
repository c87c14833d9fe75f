// CometBFT's record framing, shared by the WAL and the Node block log:
//   crc32c(data) u32 BE | length(data) u32 BE | data
import { MAX_MSG_SIZE } from '../types.js';
import { PrevoteError } from '../errors.js';
import { crc32c } from './crc32c.js';

/** CometBFT's maximum WAL record payload: a consensus message plus the envelope. */
export const MAX_WAL_DATA = MAX_MSG_SIZE + 24;
export const WAL_HEADER_SIZE = 8;

export interface WalCorruption {
  index: number;
  offset: number;
  reason: string;
}

/**
 * Splits CometBFT's framing (crc32c u32 BE | length u32 BE | data) into frames, stopping at the
 * first damaged one. `decode` may reject a frame's data too (throwing), which counts as damage.
 */
export function scanFrames<T>(bytes: Uint8Array, decode: (data: Uint8Array) => T, maxData = MAX_WAL_DATA): { items: { offset: number; size: number; value: T }[]; goodLength: number; corruption: WalCorruption | null } {
  const items: { offset: number; size: number; value: T }[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  const fail = (reason: string) => ({ items, goodLength: offset, corruption: { index: items.length, offset, reason } });
  while (offset < bytes.length) {
    if (bytes.length - offset < WAL_HEADER_SIZE) return fail(`truncated header: ${bytes.length - offset} of ${WAL_HEADER_SIZE} bytes`);
    const crc = view.getUint32(offset);
    const length = view.getUint32(offset + 4);
    if (length > maxData) return fail(`record length ${length} exceeds the maximum ${maxData}`);
    if (bytes.length - offset - WAL_HEADER_SIZE < length) {
      return fail(`truncated record: ${bytes.length - offset - WAL_HEADER_SIZE} of ${length} data bytes`);
    }
    const data = bytes.subarray(offset + WAL_HEADER_SIZE, offset + WAL_HEADER_SIZE + length);
    const actual = crc32c(data);
    if (actual !== crc) return fail(`checksum mismatch: stored ${hex8(crc)}, computed ${hex8(actual)}`);
    let value: T;
    try {
      value = decode(data);
    } catch (e) {
      return fail(`undecodable record: ${e instanceof PrevoteError ? `${e.code}: ${e.message}` : String(e)}`);
    }
    items.push({ offset, size: WAL_HEADER_SIZE + length, value });
    offset += WAL_HEADER_SIZE + length;
  }
  return { items, goodLength: offset, corruption: null };
}

/** Frames `data` for appending (the WAL's record format). */
export function frame(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(WAL_HEADER_SIZE + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, crc32c(data));
  view.setUint32(4, data.length);
  out.set(data, WAL_HEADER_SIZE);
  return out;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
