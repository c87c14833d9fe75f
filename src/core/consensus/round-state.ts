// RoundState (spec §2) and its readable forms, as the seed prints them.
import type { Block, Bytes, Proposal } from '../types.js';
import { RoundStepType, roundStepName } from '../types.js';
import type { PartSet } from '../blocks/part-set.js';
import type { ValidatorSet } from '../validators/validator-set.js';
import type { HeightVoteSet } from '../votes/height-vote-set.js';
import type { VoteSet } from '../votes/vote-set.js';
import { toHex } from '../bytes.js';

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

const short = (b: Bytes | undefined | null) => (b && b.length ? toHex(b.subarray(0, 6)).toUpperCase() : 'nil');

export function stringShort(rs: RoundState): string {
  return `RoundState{H:${rs.height} R:${rs.round} S:${roundStepName(rs.step)} ST:${rs.startTime}}`;
}

export function stringIndented(rs: RoundState, indent = ''): string {
  const i = `${indent}  `;
  const lines = [
    `H:${rs.height} R:${rs.round} S:${roundStepName(rs.step)}`,
    `StartTime:     ${rs.startTime}`,
    `CommitTime:    ${rs.commitTime ?? '0'}`,
    `Validators:    ${rs.validators.toString()}`,
    `Proposal:      ${rs.proposal ? `Proposal{${rs.proposal.height}/${rs.proposal.round} POL:${rs.proposal.polRound} ${short(rs.proposal.blockId.hash)}}` : 'nil'}`,
    `ProposalBlock: ${rs.proposalBlockParts ? `${rs.proposalBlockParts.bitArray().toString()} ` : ''}${short(rs.proposalBlock?.hash)}`,
    `LockedRound:   ${rs.lockedRound}`,
    `LockedBlock:   ${short(rs.lockedBlock?.hash)}`,
    `ValidRound:    ${rs.validRound}`,
    `ValidBlock:    ${short(rs.validBlock?.hash)}`,
    `Votes:         ${rs.votes.stringIndented(`${i}  `)}`,
    `LastCommit:    ${rs.lastCommit ? rs.lastCommit.stringShort() : 'nil'}`,
    `LastValidators:${rs.lastValidators ? rs.lastValidators.toString() : 'nil'}`,
  ];
  return `RoundState{\n${lines.map((l) => `${i}${l}`).join('\n')}\n${indent}}`;
}

export function roundStateString(rs: RoundState): string {
  return stringIndented(rs, '');
}
