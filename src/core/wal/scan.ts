// Reading a CometBFT binary WAL (one file or a rotated group concatenated in order). Reading stops
// at the first damaged record and says where; everything before it is usable (spec §10.5).
import { PrevoteError } from '../errors.js';
import { crc32c } from './crc32c.js';
import type { WalRecord } from './record.js';
import { MAX_WAL_DATA, WAL_HEADER_SIZE, decodeWalData } from './record.js';

export interface WalEntry {
  /** 0-based record number */
  index: number;
  /** byte offset of the record's header */
  offset: number;
  size: number;
  record: WalRecord;
}

export interface WalCorruption {
  index: number;
  offset: number;
  reason: string;
}

export interface WalScan {
  entries: WalEntry[];
  /** Bytes that hold whole, valid records: truncating the file here repairs it. */
  goodLength: number;
  corruption: WalCorruption | null;
}

export function scanCometWal(bytes: Uint8Array): WalScan {
  const entries: WalEntry[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  const fail = (reason: string): WalScan => ({ entries, goodLength: offset, corruption: { index: entries.length, offset, reason } });
  while (offset < bytes.length) {
    if (bytes.length - offset < WAL_HEADER_SIZE) return fail(`truncated header: ${bytes.length - offset} of ${WAL_HEADER_SIZE} bytes`);
    const crc = view.getUint32(offset);
    const length = view.getUint32(offset + 4);
    if (length > MAX_WAL_DATA) return fail(`record length ${length} exceeds the maximum ${MAX_WAL_DATA}`);
    if (bytes.length - offset - WAL_HEADER_SIZE < length) {
      return fail(`truncated record: ${bytes.length - offset - WAL_HEADER_SIZE} of ${length} data bytes`);
    }
    const data = bytes.subarray(offset + WAL_HEADER_SIZE, offset + WAL_HEADER_SIZE + length);
    const actual = crc32c(data);
    if (actual !== crc) return fail(`checksum mismatch: stored ${hex8(crc)}, computed ${hex8(actual)}`);
    let record: WalRecord;
    try {
      record = decodeWalData(data);
    } catch (e) {
      return fail(`undecodable record: ${e instanceof PrevoteError ? `${e.code}: ${e.message}` : String(e)}`);
    }
    entries.push({ index: entries.length, offset, size: WAL_HEADER_SIZE + length, record });
    offset += WAL_HEADER_SIZE + length;
  }
  return { entries, goodLength: offset, corruption: null };
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/**
 * Catch-up replay's records (spec §10.4): those after the EndHeight marker of `height`, or null
 * without one. A marker for a later height means the WAL and the stores disagree: refuse.
 */
export function recordsAfterEndHeight(records: readonly WalRecord[], height: number): WalRecord[] | null {
  let start = -1;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.type !== 'endHeight') continue;
    if (r.height > height) {
      throw new PrevoteError('ErrWalEndHeight', `WAL should not contain #ENDHEIGHT ${r.height} (replaying height ${height + 1})`, { height: r.height });
    }
    if (r.height === height) start = i + 1;
  }
  return start < 0 ? null : records.slice(start);
}
