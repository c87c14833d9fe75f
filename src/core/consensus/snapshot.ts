// Plain-data copies of the RoundState: what leaves the engine (GetRoundState, the views, a worker
// boundary). Never a reference into live state (DESIGN.md "Cross boundaries with copies"), and
// JSON-safe: bit-arrays as their size and set indices, hashes and BlockIDs as hex, powers as
// decimal strings. Display strings (CometBFT's `BA{4:x_x_}`, short BlockIDs) are made by the
// views (src/observe/format.ts), never carried here.
import type { RoundState } from './round-state.js';
import type { VoteSet } from '../votes/vote-set.js';
import type { BitArray } from '../bits/bit-array.js';
import type { BlockID, Bytes, RoundStepType } from '../types.js';
import { roundStepName } from '../types.js';
import { toHex } from '../bytes.js';

/** A bit-array as data: its size and the indices that are set, ascending. */
export interface BitsSnapshot {
  size: number;
  indices: number[];
}

/** A BlockID in hex; nil is the empty hash with a zero part-set header, as on the wire. */
export interface BlockIdHex {
  hash: string;
  partSetHeader: { total: number; hash: string };
}

export interface VoteSetSnapshot {
  round: number;
  /** 1 prevote, 2 precommit */
  type: number;
  /** who voted (anything) */
  bitArray: BitsSnapshot;
  /** voting power per BlockID (nil included) with who voted for it */
  tallies: { blockId: BlockIdHex; power: string; bitArray: BitsSnapshot }[];
  /** the BlockID with +2/3 (possibly nil), null when there is none */
  twoThirdsMajority: BlockIdHex | null;
  hasTwoThirdsAny: boolean;
  sum: string;
}

export interface RoundStateSnapshot {
  height: number;
  round: number;
  /** `RoundStepPrevote`… */
  step: string;
  startTime: number;
  commitTime: number | null;
  /** the proposer's address (hex) */
  proposer: string;
  /** `name`: a genesis' name for the validator, when the source has one (a WAL read beside its genesis) */
  validators: { address: string; votingPower: string; proposerPriority: string; name?: string }[];
  proposal: { round: number; polRound: number; blockId: BlockIdHex } | null;
  /** hashes (hex) of the proposal, locked and valid blocks */
  proposalBlock: string | null;
  proposalBlockParts: BitsSnapshot | null;
  lockedRound: number;
  lockedBlock: string | null;
  validRound: number;
  validBlock: string | null;
  commitRound: number;
  votes: { round: number; prevotes: VoteSetSnapshot; precommits: VoteSetSnapshot }[];
  lastCommit: VoteSetSnapshot | null;
  triggeredTimeoutPrecommit: boolean;
}

export function snapshotBits(ba: BitArray): BitsSnapshot {
  const indices: number[] = [];
  for (let i = 0; i < ba.bits; i++) if (ba.get(i)) indices.push(i);
  return { size: ba.bits, indices };
}

export function snapshotBlockId(id: BlockID): BlockIdHex {
  return { hash: toHex(id.hash), partSetHeader: { total: id.partSetHeader.total, hash: toHex(id.partSetHeader.hash) } };
}

export function snapshotVoteSet(vs: VoteSet): VoteSetSnapshot {
  const maj = vs.twoThirdsMajority();
  return {
    round: vs.round,
    type: vs.type,
    bitArray: snapshotBits(vs.bitArray()),
    tallies: vs.tallies().map((t) => ({ blockId: snapshotBlockId(t.blockId), power: t.power.toString(), bitArray: snapshotBits(t.bitArray) })),
    twoThirdsMajority: maj ? snapshotBlockId(maj) : null,
    hasTwoThirdsAny: vs.hasTwoThirdsAny(),
    sum: vs.sum.toString(),
  };
}

const hashHex = (h: Uint8Array | undefined) => (h ? toHex(h) : null);

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
    proposal: rs.proposal ? { round: rs.proposal.round, polRound: rs.proposal.polRound, blockId: snapshotBlockId(rs.proposal.blockId) } : null,
    proposalBlock: hashHex(rs.proposalBlock?.hash),
    proposalBlockParts: rs.proposalBlockParts ? snapshotBits(rs.proposalBlockParts.bitArray()) : null,
    lockedRound: rs.lockedRound,
    lockedBlock: hashHex(rs.lockedBlock?.hash),
    validRound: rs.validRound,
    validBlock: hashHex(rs.validBlock?.hash),
    commitRound: rs.commitRound,
    votes,
    lastCommit: rs.lastCommit ? snapshotVoteSet(rs.lastCommit) : null,
    triggeredTimeoutPrecommit: rs.triggeredTimeoutPrecommit,
  };
}

/** A few plain fields of the RoundState, cheap enough to read for every node every frame. */
export interface RoundStateSimple {
  height: number;
  round: number;
  step: RoundStepType;
  lockedRound: number;
  lockedBlockId: BlockID | null;
  /** address of the proposer of this round */
  proposer: Bytes | null;
  /** our voting power in this height's validator set (0 when not a validator) */
  votingPower: bigint;
}
