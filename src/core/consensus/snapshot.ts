// Plain-data copies of the RoundState: what leaves the engine (GetRoundState, the UI, a worker
// boundary). Never a reference into live state (DESIGN.md "Cross boundaries with copies").
import type { RoundState } from './round-state.js';
import type { VoteSet } from '../votes/vote-set.js';
import { roundStepName } from '../types.js';
import { blockIdShort, isNilBlockId } from '../blockid.js';
import { toHex } from '../bytes.js';

export interface VoteSetSnapshot {
  round: number;
  type: number;
  /** CometBFT's bit-array string of who voted (anything). */
  bitArray: string;
  /** Voting power per BlockID ('nil' for nil votes) with who voted for it. */
  tallies: { blockId: string; power: string; bitArray: string }[];
  twoThirdsMajority: string | null;
  hasTwoThirdsAny: boolean;
  sum: string;
}

export interface RoundStateSnapshot {
  height: number;
  round: number;
  step: string;
  startTime: number;
  commitTime: number | null;
  proposer: string;
  validators: { address: string; votingPower: string; proposerPriority: string }[];
  proposal: { round: number; polRound: number; blockId: string } | null;
  proposalBlock: string | null;
  proposalBlockParts: string | null;
  lockedRound: number;
  lockedBlock: string | null;
  validRound: number;
  validBlock: string | null;
  commitRound: number;
  votes: { round: number; prevotes: VoteSetSnapshot; precommits: VoteSetSnapshot }[];
  lastCommit: VoteSetSnapshot | null;
  triggeredTimeoutPrecommit: boolean;
}

export function snapshotVoteSet(vs: VoteSet): VoteSetSnapshot {
  const maj = vs.twoThirdsMajority();
  return {
    round: vs.round,
    type: vs.type,
    bitArray: vs.bitArray().toString(),
    tallies: vs.tallies().map((t) => ({
      blockId: isNilBlockId(t.blockId) ? 'nil' : blockIdShort(t.blockId),
      power: t.power.toString(),
      bitArray: t.bitArray.toString(),
    })),
    twoThirdsMajority: maj ? (isNilBlockId(maj) ? 'nil' : blockIdShort(maj)) : null,
    hasTwoThirdsAny: vs.hasTwoThirdsAny(),
    sum: vs.sum.toString(),
  };
}

const shortHash = (h: Uint8Array | undefined) => (h ? toHex(h.subarray(0, 6)).toUpperCase() : null);

export function snapshotRoundState(rs: RoundState): RoundStateSnapshot {
  const votes: RoundStateSnapshot['votes'] = [];
  for (const r of rs.votes.roundNumbers()) {
    const prevotes = rs.votes.prevotes(r);
    const precommits = rs.votes.precommits(r);
    if (prevotes && precommits) votes.push({ round: r, prevotes: snapshotVoteSet(prevotes), precommits: snapshotVoteSet(precommits) });
  }
  return {
    height: rs.height,
    round: rs.round,
    step: roundStepName(rs.step),
    startTime: rs.startTime,
    commitTime: rs.commitTime,
    proposer: toHex(rs.validators.getProposer()?.address ?? new Uint8Array(0)),
    validators: rs.validators.validators.map((v) => ({
      address: toHex(v.address),
      votingPower: v.votingPower.toString(),
      proposerPriority: v.proposerPriority.toString(),
    })),
    proposal: rs.proposal ? { round: rs.proposal.round, polRound: rs.proposal.polRound, blockId: blockIdShort(rs.proposal.blockId) } : null,
    proposalBlock: shortHash(rs.proposalBlock?.hash),
    proposalBlockParts: rs.proposalBlockParts ? rs.proposalBlockParts.bitArray().toString() : null,
    lockedRound: rs.lockedRound,
    lockedBlock: shortHash(rs.lockedBlock?.hash),
    validRound: rs.validRound,
    validBlock: shortHash(rs.validBlock?.hash),
    commitRound: rs.commitRound,
    votes,
    lastCommit: rs.lastCommit ? snapshotVoteSet(rs.lastCommit) : null,
    triggeredTimeoutPrecommit: rs.triggeredTimeoutPrecommit,
  };
}
