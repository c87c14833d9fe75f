// Reading a CometBFT binary WAL (one file or a rotated group concatenated in order). Reading stops
// at the first damaged record and says where; everything before it is usable (spec §10.5).
import { PrevoteError } from '../errors.js';
import type { BlockID } from '../types.js';
import type { ReadWalRecord, WalRecord } from './record.js';
import { decodeWalData } from './record.js';
import type { WalCorruption } from './framing.js';
import { scanFrames } from './framing.js';

export type { WalCorruption };

/** One record read from a WAL file, in either format, with where it stands in the file. */
export interface WalEntry<R extends ReadWalRecord = WalRecord> {
  /** 0-based record number */
  index: number;
  /** byte offset of the record's header (CometBFT) or line (v0.10) */
  offset: number;
  size: number;
  /** 1-based line number (v0.10 only) */
  line?: number;
  record: R;
  /** v0.10 proposals only: the POL BlockID they signed, which CometBFT's Proposal does not carry */
  polBlockId?: BlockID;
}


export interface WalScan {
  entries: WalEntry[];
  /** Bytes that hold whole, valid records: truncating the file here repairs it. */
  goodLength: number;
  corruption: WalCorruption | null;
}

export function scanCometWal(bytes: Uint8Array): WalScan {
  const { items, goodLength, corruption } = scanFrames(bytes, decodeWalData);
  return { entries: items.map((it, index) => ({ index, offset: it.offset, size: it.size, record: it.value })), goodLength, corruption };
}


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
