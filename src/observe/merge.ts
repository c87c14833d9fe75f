// Several nodes' WALs as one timeline (issue 14): every record of every file, on one clock. A vote
// or proposal a node signed is in its own WAL as its own message (peer id ''); the same signature
// in another WAL is its receipt. Those pairs link the files and measure their clock skew:
//   d(A→B) = min over A's messages received by B of (B's receipt time − A's own record time)
//          = skew(B−A) + the quickest delivery A→B, and the same back, so with equal quickest
//   deliveries both ways skew(B−A) = (d(A→B) − d(B→A)) / 2 (NTP's estimate).
// The first file is the reference; others are placed through the links, file by file, and a file
// with no link to the rest keeps its own clock (skew null), unless its records share no time
// with the placed ones (another chain, another year): then it is drawn from the reference's start,
// as a timeline of years would show each file as a tick. Once corrected, a receipt is never
// earlier than its send by more than the estimate's error (zero when deliveries are symmetric).
import type { WalFile } from '../core/wal/inspect.js';
import { recordTimes } from '../core/wal/inspect.js';
import type { ReadWalRecord } from '../core/wal/record.js';
import type { NodeId } from './model.js';

export interface MergedEntry {
  node: NodeId;
  /** the record's index in its own file */
  index: number;
  /** the record's own time (ms; a record without one takes its predecessor's) */
  time: number;
  /** on the reference clock */
  corrected: number;
  /** for a received vote or proposal: where its sender recorded it */
  sentBy: { node: NodeId; index: number } | null;
}

export interface MergedTimeline {
  entries: MergedEntry[];
  /** per node: ms to subtract from its times (null: nothing links it to the reference) */
  skew: Record<NodeId, number | null>;
  /** receipts linked to their sends */
  links: number;
  /**
   * per node: for a file nothing links whose records share no time with the placed files, the ms
   * subtracted to draw it from the reference's start (null for every other file)
   */
  apart: Record<NodeId, number | null>;
}

/** The signature a record's vote or proposal carries, as a map key (null for anything else). */
function signatureKey(r: ReadWalRecord): string | null {
  if (r.type !== 'msgInfo') return null;
  const sig = r.msg.kind === 'Vote' ? r.msg.vote.signature : r.msg.kind === 'Proposal' ? r.msg.proposal.signature : null;
  return sig && sig.length ? String.fromCharCode(...sig) : null;
}

export function mergeWals(files: { node: NodeId; file: WalFile }[]): MergedTimeline {
  const times = files.map(({ file }) => recordTimes(file.entries));
  // own messages by signature: who signed it, and where
  const sent = new Map<string, { f: number; index: number }>();
  files.forEach(({ file }, f) =>
    file.entries.forEach(({ record }, index) => {
      const key = signatureKey(record);
      if (key && record.type === 'msgInfo' && record.peerId === '') sent.set(key, { f, index });
    }),
  );
  // quickest delivery seen from file a to file b (on their own clocks), and each receipt's link
  const quickest = new Map<string, number>();
  const link: ({ f: number; index: number } | null)[][] = files.map(({ file }) => file.entries.map(() => null));
  let links = 0;
  files.forEach(({ file }, b) =>
    file.entries.forEach(({ record }, index) => {
      const key = signatureKey(record);
      const from = key && record.type === 'msgInfo' && record.peerId !== '' ? sent.get(key) : undefined;
      if (!from || from.f === b) return;
      link[b][index] = from;
      links++;
      const d = times[b][index] - times[from.f][from.index];
      const k = `${from.f}>${b}`;
      quickest.set(k, Math.min(quickest.get(k) ?? Infinity, d));
    }),
  );
  // place files one by one from the reference, through pairs with deliveries both ways
  const skew: (number | null)[] = files.map((_, f) => (f === 0 ? 0 : null));
  for (let placed = true; placed; ) {
    placed = false;
    for (let b = 0; b < files.length; b++) {
      if (skew[b] !== null) continue;
      for (let a = 0; a < files.length; a++) {
        const ab = quickest.get(`${a}>${b}`);
        const ba = quickest.get(`${b}>${a}`);
        if (skew[a] === null || ab === undefined || ba === undefined) continue;
        skew[b] = skew[a]! + (ab - ba) / 2;
        placed = true;
        break;
      }
    }
  }
  const apart = apartShifts(times, skew);
  const entries: MergedEntry[] = [];
  files.forEach(({ node, file }, f) =>
    file.entries.forEach((_, index) => {
      const from = link[f][index];
      entries.push({ node, index, time: times[f][index], corrected: times[f][index] - (skew[f] ?? apart[f] ?? 0), sentBy: from && { node: files[from.f].node, index: from.index } });
    }),
  );
  // stable: records of one file keep their order when corrected times tie
  entries.sort((x, y) => x.corrected - y.corrected);
  const perNode = <T>(xs: T[]) => Object.fromEntries(files.map(({ node }, f) => [node, xs[f]]));
  return { entries, skew: perNode(skew), links, apart: perNode(apart) };
}

/** For each unplaced file whose time range misses the placed files' range: its start minus the reference's. */
function apartShifts(times: number[][], skew: (number | null)[]): (number | null)[] {
  // a loop, not Math.min(...ts): a large WAL has more records than a call may have arguments
  const range = (ts: number[], shift: number): [number, number] => {
    let [min, max] = [Infinity, -Infinity];
    for (const t of ts) [min, max] = [Math.min(min, t), Math.max(max, t)];
    return [min - shift, max - shift];
  };
  const placed = times.flatMap((ts, f) => (skew[f] !== null && ts.length ? [range(ts, skew[f]!)] : []));
  if (placed.length === 0) return times.map(() => null);
  const [lo, hi] = [Math.min(...placed.map((r) => r[0])), Math.max(...placed.map((r) => r[1]))];
  const start = times[0].length ? times[0][0] : lo;
  return times.map((ts, f) => {
    if (skew[f] !== null || ts.length === 0) return null;
    const [from, to] = range(ts, 0);
    return to < lo || from > hi ? ts[0] - start : null;
  });
}
