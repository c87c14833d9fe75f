// RoundState (spec §2) and the step event the WAL records.
import type { Block, Bytes, Proposal } from '../types.js';
import type { RoundStepType } from '../types.js';
import { roundStepName } from '../types.js';
import type { PartSet } from '../blocks/part-set.js';
import type { ValidatorSet } from '../validators/validator-set.js';
import type { HeightVoteSet } from '../votes/height-vote-set.js';
import type { VoteSet } from '../votes/vote-set.js';

/** A block with its header hash computed once (hashing a header is 14 SHA-256s). */
export interface HashedBlock {
  block: Block;
  hash: Bytes;
}

export interface RoundState {
  height: number;
  round: number;
  step: RoundStepType;
  /** ms; when round 0 of this height may start (CommitTime + timeout_commit). */
  startTime: number;
  /** ms; when the previous height entered Commit; null before the first commit. */
  commitTime: number | null;
  validators: ValidatorSet;
  proposal: Proposal | null;
  proposalReceiveTime: number | null;
  proposalBlock: HashedBlock | null;
  proposalBlockParts: PartSet | null;
  lockedRound: number;
  lockedBlock: HashedBlock | null;
  lockedBlockParts: PartSet | null;
  validRound: number;
  validBlock: HashedBlock | null;
  validBlockParts: PartSet | null;
  votes: HeightVoteSet;
  commitRound: number;
  lastCommit: VoteSet | null;
  lastValidators: ValidatorSet | null;
  triggeredTimeoutPrecommit: boolean;
}

/** What the WAL records at every step change and what replay compares (spec §2). */
export interface RoundStateEvent {
  height: number;
  round: number;
  step: string;
}

export function roundStateEvent(rs: Pick<RoundState, 'height' | 'round' | 'step'>): RoundStateEvent {
  return { height: rs.height, round: rs.round, step: roundStepName(rs.step) };
}

/** Lexicographic (height, round, step) comparison: -1, 0 or +1. */
export function compareHRS(h1: number, r1: number, s1: number, h2: number, r2: number, s2: number): number {
  if (h1 !== h2) return h1 < h2 ? -1 : 1;
  if (r1 !== r2) return r1 < r2 ? -1 : 1;
  if (s1 !== s2) return s1 < s2 ? -1 : 1;
  return 0;
}
