// A WAL's records as JSON lines, byte for byte what `prevote wal export FILE --json` prints
// (src/cli/wal.ts exportJson): one object per record with its index, byte offset, RFC 3339 time,
// kind and message; bytes as upper-case hex, int64s as strings. The WAL debugger's "Export JSON
// lines" downloads this, so a file exported in the browser diffs clean against the CLI's.
import { toHex } from '../core/bytes.js';
import { formatRfc3339, timestampFromMillis } from '../core/time.js';
import type { WalFile } from '../core/wal/inspect.js';
import { walLine } from '../core/wal/inspect.js';

const time = (ms: number | null) => (ms === null ? null : formatRfc3339(timestampFromMillis(Math.floor(ms))));

/** The CLI's JSON rules: bytes as upper-case hex, bigints as strings, a bit-array as its string. */
export function walJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? toHex(x).toUpperCase() : typeof x === 'bigint' ? x.toString() : x && typeof x === 'object' && 'words' in x && 'bits' in x ? String(x) : x));
}

/** One line per record, each ending in a newline. */
export function walJsonLines(file: WalFile): string {
  const out: string[] = [];
  for (const e of file.entries) {
    const { time: t, ...rest } = e.record;
    const kind = walLine(file.format, e).kind;
    // a v0.10 proposal also signed its POL BlockID, which the typed Proposal does not carry
    out.push(walJson({ index: e.index, offset: e.offset, time: time(t), kind, msg: rest, ...(e.polBlockId && { polBlockId: e.polBlockId }) }) + '\n');
  }
  return out.join('');
}
