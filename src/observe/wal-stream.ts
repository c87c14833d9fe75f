// Reading a WAL a chunk at a time, so that the WAL debugger's worker can say how far it got while a
// 64 MB group is read (issue 14). The result is readWal's, record for record and damage for damage:
// CometBFT's framing is scanned with the same scanner (core/wal/scan.ts) over one chunk at a time,
// and a record cut by a chunk's end is read again at the start of the next. A Tendermint v0.10
// file (text, small in practice: the seed era's nodes) is read in one go.
import type { WalFile } from '../core/wal/inspect.js';
import { readWal } from '../core/wal/inspect.js';
import { looksLikeV010 } from '../core/wal/json-v010.js';
import { MAX_WAL_DATA, WAL_HEADER_SIZE } from '../core/wal/framing.js';
import { scanCometWal } from '../core/wal/scan.js';

/** Bytes scanned between two progress reports. */
export const WAL_CHUNK = 1 << 20;

/**
 * Whether the frame at `at` runs past `end`, the chunk's end, while the bytes go on: the chunk
 * cut it and the next chunk reads it whole. Mirrors scanFrames' order of checks, so a length
 * over the maximum is damage here exactly as it is on the whole file.
 */
function cutByChunk(bytes: Uint8Array, at: number, end: number): boolean {
  if (end >= bytes.length) return false;
  if (end - at < WAL_HEADER_SIZE) return true;
  const length = new DataView(bytes.buffer, bytes.byteOffset + at + 4, 4).getUint32(0);
  return length <= MAX_WAL_DATA && WAL_HEADER_SIZE + length > end - at;
}

/** readWal(bytes), reporting the bytes scanned after each chunk. */
export function readWalInChunks(bytes: Uint8Array, progress: (scanned: number, total: number) => void = () => undefined, chunk = WAL_CHUNK): WalFile {
  if (looksLikeV010(bytes)) {
    const file = readWal(bytes);
    progress(bytes.length, bytes.length);
    return file;
  }
  const entries: WalFile['entries'] = [];
  let pos = 0;
  let size = chunk;
  while (pos < bytes.length) {
    const end = Math.min(bytes.length, pos + size);
    const part = scanCometWal(bytes.subarray(pos, end));
    for (const e of part.entries) {
      // fresh objects from the scan: placed in the whole file in place
      e.index = entries.length;
      e.offset += pos;
      entries.push(e);
    }
    const c = part.corruption;
    if (c && !cutByChunk(bytes, pos + c.offset, end)) {
      progress(bytes.length, bytes.length);
      return { format: 'cometbft', entries, goodLength: pos + part.goodLength, corruption: { index: entries.length, offset: pos + c.offset, reason: c.reason } };
    }
    // a record longer than the chunk: read a longer one until it fits
    size = c && part.goodLength === 0 ? size * 2 : chunk;
    pos += part.goodLength;
    progress(pos, bytes.length);
  }
  return { format: 'cometbft', entries, goodLength: pos, corruption: null };
}
