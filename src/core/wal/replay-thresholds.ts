// The +2/3 rules a WAL replay follows to keep what the engine kept beside its votes: the valid
// block (ValidRound/ValidBlock, spec §4.13 onPrevote and handleCompleteProposal, paper lines
// 36–43) and the last commit (the precommits of the commit round, spec §4.2 updateToState). A WAL
// records neither: both follow from the votes, the proposal and its parts the WAL does record.
//
// Powers come from the replay's owner (a genesis, or 1 per column: see observe/wal.ts), so these
// thresholds are the ones the views draw.
import { MAX_BLOCK_PARTS_COUNT, SignedMsgType } from '../types.js';
import type { ReplayState, ReplayVoteSet } from './replay.js';

/** The voting power of each bit-array column at the state's height (its length is the set's size). */
export type ReplayPowers = (s: Pick<ReplayState, 'addresses' | 'bitArraySize'>) => readonly bigint[];

/** One vote per column, as many columns as the bit-arrays have: the convention without a genesis. */
export const equalPowers: ReplayPowers = (s) => Array.from({ length: s.bitArraySize }, () => 1n);

/** The block (uppercase hex, '' = nil) that more than 2/3 of the power voted for in `set`, else null. */
export function twoThirdsBlock(set: ReplayVoteSet | undefined, powers: readonly bigint[]): string | null {
  if (!set) return null;
  const total = powers.reduce((a, p) => a + p, 0n);
  if (total === 0n) return null;
  for (const b of set.byBlock) {
    const power = b.voters.reduce((a, i) => a + (powers[i] ?? 1n), 0n);
    if (3n * power > 2n * total) return b.block;
  }
  return null;
}

/**
 * The current round's proposal block (uppercase hex hash) once every part its part-set header
 * names is in, else null. A v0.10 proposal names no block hash, only the part-set header: its
 * block is the one whose votes named that same header (the header's hash commits to the block's
 * bytes, so the same header is the same block).
 */
export function completeProposalBlock(s: ReplayState): string | null {
  const p = s.proposals.find((x) => x.round === s.round);
  if (!p) return null;
  const total = Math.min(p.partsTotal, MAX_BLOCK_PARTS_COUNT);
  const have = (s.blockParts.find((b) => b.round === s.round)?.indices ?? []).filter((i) => i < total);
  if (total === 0 || have.length !== total) return null;
  if (p.blockHash !== '') return p.blockHash;
  return s.partSetHeaders.find((h) => h.total === p.partsTotal && h.hash === p.partsHash)?.block ?? null;
}

/**
 * The valid block, if its polka still holds under the powers known now. Without a validator
 * count the bit-arrays grow with the highest index seen, so an early vote can look like +2/3 of
 * the few columns there were: a guess the later votes disprove is not shown (nor kept, below).
 */
export function validBlockOf(s: ReplayState, powers: ReplayPowers): { round: number; block: string } | null {
  const v = s.valid;
  if (!v) return null;
  const prevotes = s.votes.find((x) => x.round === v.round && x.type === SignedMsgType.Prevote);
  return twoThirdsBlock(prevotes, powers(s)) === v.block ? v : null;
}

/**
 * ValidBlock after a prevote of the current round or a part that completed its proposal: a polka
 * in the current round for the proposal block we hold makes it the valid block, unless one of this
 * round already is (the engine's `validRound < round`).
 */
export function noteValidBlock(s: ReplayState, powers: ReplayPowers): void {
  if (s.valid && (s.valid.round > s.round || (s.valid.round === s.round && validBlockOf(s, powers)))) return;
  const prevotes = s.votes.find((v) => v.round === s.round && v.type === SignedMsgType.Prevote);
  if (!prevotes) return;
  const block = completeProposalBlock(s);
  if (block === null) return;
  if (twoThirdsBlock(prevotes, powers(s)) === block) s.valid = { round: s.round, block };
}

/**
 * The commit round of the state's height, as the engine's enterCommit takes it: the round whose
 * precommits have +2/3 for a block (the latest such round, as the views show commitRound), else -1.
 */
export function commitRoundOf(s: ReplayState, powers: ReplayPowers): number {
  const p = powers(s);
  for (let i = s.votes.length - 1; i >= 0; i--) {
    const v = s.votes[i];
    if (v.type !== SignedMsgType.Precommit) continue;
    const b = twoThirdsBlock(v, p);
    if (b !== null && b !== '') return v.round;
  }
  return -1;
}
