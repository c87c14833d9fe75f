// Each node's chain: the blocks it committed, by height, learned from the event log (NewBlock).
// Every block gets one letter per height, in order of first mention in the log (a proposal, a
// vote, a commit), shared by every view: the chains under the nodes and the vote grid call the
// same block A, so that a fork (> 1/3 Byzantine power told two stories) shows as two chains,
// A A A on some nodes, A B B on others, in the letters of the votes that made them.
import type { NodeId, ObsEvent } from '../../observe/model.js';
import { blockOf, isNil } from '../../observe/format.js';
import { blockMarkAt } from '../colors.js';
import { readTo, resumeAt, startOf } from '../log-cursor.js';
import type { LogCursor } from '../log-cursor.js';

export interface Chains {
  /** per node: height → block hash */
  byNode: Map<NodeId, Map<number, string>>;
  /** per height: the blocks committed there, in order of first commit */
  byHeight: Map<number, string[]>;
  /** per height: every block the log names there, in order of first mention (the letters) */
  named: Map<number, string[]>;
}

/** The height of the block an event names (a vote or proposal says it; other events are at the node's height). */
function blockHeightOf(e: ObsEvent): number {
  return e.type === 'Vote' ? e.vote.height : e.type === 'ProposalAccepted' ? e.proposal.height : e.type === 'NewBlock' ? e.blockHeight : e.height;
}

function add(to: Map<number, string[]>, height: number, hash: string): void {
  const seen = to.get(height) ?? to.set(height, []).get(height)!;
  if (!seen.includes(hash)) seen.push(hash);
}

/**
 * Incremental: each event is read once, also when a live view's history drops its oldest events
 * (log-cursor.ts); what was committed before stays known, as a node's chain strip shows it.
 */
let cache: { at: LogCursor; chains: Chains } | null = null;

export function chainsOf(events: readonly ObsEvent[]): Chains {
  let from = cache ? resumeAt(cache.at, events) : -1;
  if (from < 0) {
    cache = { at: startOf(events), chains: { byNode: new Map(), byHeight: new Map(), named: new Map() } };
    from = 0;
  }
  const { chains } = cache!;
  for (let k = from; k < events.length; k++) {
    const e = events[k];
    const block = blockOf(e);
    if (block && !isNil(block)) add(chains.named, blockHeightOf(e), block.hash);
    if (e.type !== 'NewBlock') continue;
    const mine = chains.byNode.get(e.node) ?? chains.byNode.set(e.node, new Map()).get(e.node)!;
    mine.set(e.blockHeight, e.blockId.hash);
    add(chains.byHeight, e.blockHeight, e.blockId.hash);
  }
  readTo(cache!.at, events);
  return chains;
}

/**
 * A block's letter and colour: the first block the log names at its height is A. One the log
 * does not name (a view's older state, past a live history's trimmed front) takes the next letter.
 */
export function blockMark(chains: Chains, height: number, hash: string): { letter: string; color: string } {
  add(chains.named, height, hash);
  return blockMarkAt(chains.named.get(height)!.indexOf(hash));
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
