// The merged timeline in columns (issue 14's swimlanes): ./merge.ts puts every record of several
// WALs on one clock and links receipts to sends; this packs the result into typed arrays per file
// (a 64 MB WAL has hundreds of thousands of records: objects would cost the page a long clone),
// and counts the receipts that still precede their send once the skew is corrected.
import type { WalFile } from '../core/wal/inspect.js';
import { SignedMsgType } from '../core/types.js';
import type { NodeId } from './model.js';
import { mergeWals } from './merge.js';
import type { MergedKind, MergedLane, MergedView } from './wal-debugger.js';
import { MERGED_KINDS } from './wal-debugger.js';

const KIND = new Map<MergedKind, number>(MERGED_KINDS.map((k, i) => [k, i]));

function kindOf(r: WalFile['entries'][number]['record']): number {
  if (r.type !== 'msgInfo') return KIND.get(r.type)!;
  const m = r.msg;
  if (m.kind === 'Vote') return KIND.get(m.vote.type === SignedMsgType.Precommit ? 'precommit' : 'prevote')!;
  return KIND.get(m.kind === 'Proposal' ? 'Proposal' : 'BlockPart')!;
}

export function mergedView(files: { node: NodeId; file: WalFile }[]): MergedView {
  const m = mergeWals(files);
  const laneOf = new Map(files.map((f, i) => [f.node, i]));
  const lanes: MergedLane[] = files.map(({ node, file }) => {
    const n = file.entries.length;
    const lane: MergedLane = { node, corrected: new Float64Array(n), kinds: new Uint8Array(n), own: new Uint8Array(n), sentLane: new Int16Array(n).fill(-1), sentIndex: new Int32Array(n).fill(-1) };
    file.entries.forEach(({ record }, i) => {
      lane.kinds[i] = kindOf(record);
      lane.own[i] = record.type === 'msgInfo' && record.peerId === '' ? 1 : 0;
    });
    return lane;
  });
  let origin = Infinity;
  for (const e of m.entries) {
    const lane = lanes[laneOf.get(e.node)!];
    lane.corrected[e.index] = e.corrected;
    origin = Math.min(origin, e.corrected);
    if (e.sentBy) {
      lane.sentLane[e.index] = laneOf.get(e.sentBy.node)!;
      lane.sentIndex[e.index] = e.sentBy.index;
    }
  }
  let early = 0;
  for (const lane of lanes) {
    for (let i = 0; i < lane.sentLane.length; i++) {
      const s = lane.sentLane[i];
      if (s >= 0 && lane.corrected[i] < lanes[s].corrected[lane.sentIndex[i]]) early++;
    }
  }
  return { lanes, skew: files.map((f) => m.skew[f.node]), apart: files.map((f) => m.apart[f.node]), links: m.links, early, origin: Number.isFinite(origin) ? origin : 0 };
}
