// Each node's chain: the blocks it committed, by height, learned from the event log (NewBlock).
// Blocks get a letter per height in order of first commit, so that a fork (> 1/3 Byzantine power
// told two stories) shows as two chains: A A A on some nodes, A B B on others.
import type { NodeId, ObsEvent } from '../../observe/model.js';
import { blockMarkAt } from '../colors.js';
import { readTo, resumeAt, startOf } from '../log-cursor.js';
import type { LogCursor } from '../log-cursor.js';

export interface Chains {
  /** per node: height → block hash */
  byNode: Map<NodeId, Map<number, string>>;
  /** per height: the blocks committed there, in order of first commit */
  byHeight: Map<number, string[]>;
}

/**
 * Incremental: each event is read once, also when a live view's history drops its oldest events
 * (log-cursor.ts); what was committed before stays known, as a node's chain strip shows it.
 */
let cache: { at: LogCursor; chains: Chains } | null = null;

export function chainsOf(events: readonly ObsEvent[]): Chains {
  let from = cache ? resumeAt(cache.at, events) : -1;
  if (from < 0) {
    cache = { at: startOf(events), chains: { byNode: new Map(), byHeight: new Map() } };
    from = 0;
  }
  const { chains } = cache!;
  for (let k = from; k < events.length; k++) {
    const e = events[k];
    if (e.type !== 'NewBlock') continue;
    const mine = chains.byNode.get(e.node) ?? chains.byNode.set(e.node, new Map()).get(e.node)!;
    mine.set(e.blockHeight, e.blockId.hash);
    const seen = chains.byHeight.get(e.blockHeight) ?? chains.byHeight.set(e.blockHeight, []).get(e.blockHeight)!;
    if (!seen.includes(e.blockId.hash)) seen.push(e.blockId.hash);
  }
  readTo(cache!.at, events);
  return chains;
}

/** A committed block's letter and colour: the first block committed at its height is A. */
export function blockMark(chains: Chains, height: number, hash: string): { letter: string; color: string } {
  const i = Math.max(0, chains.byHeight.get(height)?.indexOf(hash) ?? 0);
  return blockMarkAt(i);
}

/** The heights at which nodes committed different blocks. */
export function forkHeights(chains: Chains): number[] {
  return [...chains.byHeight].filter(([, blocks]) => blocks.length > 1).map(([h]) => h).sort((a, b) => a - b);
}

/** A node's last `n` committed blocks, oldest first. */
export function lastBlocks(chains: Chains, node: NodeId, n: number): { height: number; hash: string }[] {
  const mine = chains.byNode.get(node);
  if (!mine) return [];
  // asked at every render of a live network hours long: one pass keeping the n highest, no sort of all
  const top: [number, string][] = [];
  for (const entry of mine) {
    if (top.length === n && entry[0] <= top[0][0]) continue;
    let i = top.length === n ? (top.shift(), top.length) : top.length;
    while (i > 0 && top[i - 1][0] > entry[0]) i--;
    top.splice(i, 0, entry);
  }
  return top.map(([height, hash]) => ({ height, hash }));
}
