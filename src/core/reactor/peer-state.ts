// PeerState (spec §9.3): what we know a peer has, from what it announced and what we sent it.
// Gossip reads it to send each peer only what it lacks.
import type { PartSetHeader, Proposal, Vote } from '../types.js';
import { RoundStepType, SignedMsgType } from '../types.js';
import { BitArray } from '../bits/bit-array.js';
import type { RandInt } from '../bits/bit-array.js';
import { partSetHeaderEqual, ZERO_PART_SET_HEADER } from '../blockid.js';
import { compareHRS } from '../consensus/round-state.js';
import type { VoteSetReader } from './vote-set-reader.js';

/**
 * Clears from `lacking` (votes of one set the peer lacks) those that must wait (relay timing,
 * vote-relay.ts). An object, not a closure: a gossip pass offers it every set it looks at.
 */
export interface VoteHold {
  holdBack(height: number, round: number, type: number, lacking: BitArray): void;
}

export interface PeerRoundState {
  height: number;
  round: number;
  step: RoundStepType | 0;
  /** ms: our estimate of when the peer's round 0 started */
  startTime: number;
  proposal: boolean;
  proposalBlockPartSetHeader: PartSetHeader;
  proposalBlockParts: BitArray | null;
  proposalPOLRound: number;
  proposalPOL: BitArray | null;
  prevotes: BitArray | null;
  precommits: BitArray | null;
  lastCommitRound: number;
  lastCommit: BitArray | null;
  catchupCommitRound: number;
  catchupCommit: BitArray | null;
}

export interface NewRoundStepInfo {
  height: number;
  round: number;
  step: RoundStepType;
  secondsSinceStartTime: number;
  lastCommitRound: number;
}

export interface PeerStats {
  votes: number;
  blockParts: number;
  /** votes we already held (dropped before the node's WAL and engine) */
  duplicateVotes: number;
}

export class PeerState {
  /** pickVoteToSend's and pickLackingPart's working arrays (one pick at a time, made anew only when the size changes) */
  private scratch: BitArray | null = null;
  private partScratch: BitArray | null = null;
  prs: PeerRoundState = {
    height: 0,
    round: -1,
    step: 0,
    startTime: 0,
    proposal: false,
    proposalBlockPartSetHeader: ZERO_PART_SET_HEADER,
    proposalBlockParts: null,
    proposalPOLRound: -1,
    proposalPOL: null,
    prevotes: null,
    precommits: null,
    lastCommitRound: -1,
    lastCommit: null,
    catchupCommitRound: -1,
    catchupCommit: null,
  };
  readonly stats: PeerStats = { votes: 0, blockParts: 0, duplicateVotes: 0 };

  constructor(readonly peerId: string) {}

  getHeight(): number {
    return this.prs.height;
  }

  /** A plain copy (bit arrays as strings) for views. */
  getRoundState(): Record<string, unknown> {
    const p = this.prs;
    const ba = (b: BitArray | null) => (b ? b.toString() : null);
    return {
      ...p,
      proposalBlockParts: ba(p.proposalBlockParts),
      proposalPOL: ba(p.proposalPOL),
      prevotes: ba(p.prevotes),
      precommits: ba(p.precommits),
      lastCommit: ba(p.lastCommit),
      catchupCommit: ba(p.catchupCommit),
    };
  }

  applyNewRoundStepMessage(msg: NewRoundStepInfo, now: number): void {
    const p = this.prs;
    if (compareHRS(msg.height, msg.round, msg.step, p.height, p.round, p.step) <= 0) return; // no regressions
    const { height: psHeight, round: psRound, catchupCommitRound: psCatchupRound, catchupCommit: psCatchup, precommits: lastPrecommits } = p;
    p.height = msg.height;
    p.round = msg.round;
    p.step = msg.step;
    p.startTime = now - msg.secondsSinceStartTime * 1000;
    if (psHeight !== msg.height || psRound !== msg.round) {
      p.proposal = false;
      p.proposalBlockPartSetHeader = ZERO_PART_SET_HEADER;
      p.proposalBlockParts = null;
      p.proposalPOLRound = -1;
      p.proposalPOL = null;
      p.prevotes = null;
      p.precommits = null;
    }
    if (psHeight === msg.height && psRound !== msg.round && msg.round === psCatchupRound) {
      p.precommits = psCatchup; // the peer moved into the round we were feeding it
    }
    if (psHeight !== msg.height) {
      if (psHeight + 1 === msg.height && psRound === msg.lastCommitRound) {
        p.lastCommitRound = msg.lastCommitRound;
        p.lastCommit = lastPrecommits; // saved before the reset (#9760)
      } else {
        p.lastCommitRound = msg.lastCommitRound;
        p.lastCommit = null;
      }
      p.catchupCommitRound = -1;
      p.catchupCommit = null;
    }
  }

  applyNewValidBlockMessage(msg: { height: number; round: number; blockPartSetHeader: PartSetHeader; blockParts: BitArray; isCommit: boolean }): void {
    const p = this.prs;
    if (p.height !== msg.height) return;
    if (p.round !== msg.round && !msg.isCommit) return;
    p.proposalBlockPartSetHeader = msg.blockPartSetHeader;
    p.proposalBlockParts = msg.blockParts.copy();
  }

  applyProposalPOLMessage(msg: { height: number; proposalPolRound: number; proposalPol: BitArray }): void {
    const p = this.prs;
    if (p.height !== msg.height || p.proposalPOLRound !== msg.proposalPolRound) return;
    p.proposalPOL = msg.proposalPol.copy();
  }

  applyHasVoteMessage(msg: { height: number; round: number; type: number; index: number }): void {
    if (this.prs.height !== msg.height) return;
    this.setHasVoteHRS(msg.height, msg.round, msg.type, msg.index);
  }

  applyHasProposalBlockPartMessage(msg: { height: number; round: number; index: number }): void {
    if (this.prs.height !== msg.height) return;
    this.setHasProposalBlockPart(msg.height, msg.round, msg.index);
  }

  /** §9.7: for validators whose vote we hold for that block, the peer's statement is authoritative. */
  applyVoteSetBitsMessage(msg: { height: number; round: number; type: number; votes: BitArray }, ourVotes: BitArray | null): void {
    const bits = this.getVoteBitArray(msg.height, msg.round, msg.type);
    if (!bits) return;
    if (!ourVotes) bits.update(msg.votes);
    else bits.update(bits.sub(ourVotes).or(msg.votes));
  }

  setHasProposal(p: Proposal): void {
    const s = this.prs;
    if (s.height !== p.height || s.round !== p.round || s.proposal) return;
    s.proposal = true;
    if (s.proposalBlockParts) return; // already set by NewValidBlock
    s.proposalBlockPartSetHeader = p.blockId.partSetHeader;
    s.proposalBlockParts = new BitArray(p.blockId.partSetHeader.total);
    s.proposalPOLRound = p.polRound;
    s.proposalPOL = null;
  }

  initProposalBlockParts(header: PartSetHeader): void {
    if (this.prs.proposalBlockParts) return;
    this.prs.proposalBlockPartSetHeader = header;
    this.prs.proposalBlockParts = new BitArray(header.total);
  }

  setHasProposalBlockPart(height: number, round: number, index: number): void {
    if (this.prs.height !== height || this.prs.round !== round) return;
    this.prs.proposalBlockParts?.set(index, true);
  }

  hasProposalBlockPartSetHeader(h: PartSetHeader): boolean {
    return !!this.prs.proposalBlockParts && partSetHeaderEqual(this.prs.proposalBlockPartSetHeader, h);
  }

  setHasVote(vote: Vote): void {
    this.setHasVoteHRS(vote.height, vote.round, vote.type, vote.validatorIndex);
  }

  setHasVoteHRS(height: number, round: number, type: number, index: number): void {
    this.getVoteBitArray(height, round, type)?.set(index, true);
  }

  /** Which of the peer's bit arrays a vote (height, round, type) belongs to (spec §9.3). */
  getVoteBitArray(height: number, round: number, type: number): BitArray | null {
    const p = this.prs;
    if (type !== SignedMsgType.Prevote && type !== SignedMsgType.Precommit) return null;
    if (p.height === height) {
      if (p.round === round) return type === SignedMsgType.Prevote ? p.prevotes : p.precommits;
      if (p.catchupCommitRound === round) return type === SignedMsgType.Precommit ? p.catchupCommit : null;
      if (p.proposalPOLRound === round) return type === SignedMsgType.Prevote ? p.proposalPOL : null;
      return null;
    }
    if (p.height === height + 1 && p.lastCommitRound === round) return type === SignedMsgType.Precommit ? p.lastCommit : null;
    return null;
  }

  ensureVoteBitArrays(height: number, numValidators: number): void {
    const p = this.prs;
    if (p.height === height) {
      p.prevotes ??= new BitArray(numValidators);
      p.precommits ??= new BitArray(numValidators);
      p.catchupCommit ??= new BitArray(numValidators);
      p.proposalPOL ??= new BitArray(numValidators);
    } else if (p.height === height + 1) {
      p.lastCommit ??= new BitArray(numValidators);
    }
  }

  ensureCatchupCommitRound(height: number, round: number, numValidators: number): void {
    const p = this.prs;
    if (p.height !== height || p.catchupCommitRound === round) return;
    p.catchupCommitRound = round;
    p.catchupCommit = round === p.round ? p.precommits : new BitArray(numValidators);
  }

  /**
   * A random vote of `votes` the peer lacks, or null. The caller marks it (setHasVote) only once
   * the send succeeded ([CMT]; §15 lesson 15). `held` clears from the votes the peer lacks
   * those that must wait (relay timing, vote-relay.ts); they are left out of this pick.
   */
  pickVoteToSend(votes: VoteSetReader | null, randInt: RandInt, held?: VoteHold): Vote | null {
    if (!votes || votes.size === 0) return null;
    const { height, round, type, size } = votes;
    if (votes.isCommit()) this.ensureCatchupCommitRound(height, round, size);
    this.ensureVoteBitArrays(height, size);
    const peerBits = this.getVoteBitArray(height, round, type);
    if (!peerBits) return null;
    if (this.scratch?.bits !== size) this.scratch = new BitArray(size);
    const lacking = this.scratch.assignSub(votes.bitArrayView(), peerBits);
    held?.holdBack(height, round, type, lacking);
    const i = lacking.pickRandom(randInt);
    return i === null ? null : votes.getByIndex(i);
  }

  /** A random part of `ours` (a part set's bits, of the peer's part set header) the peer lacks, or null. */
  pickLackingPart(ours: BitArray, randInt: RandInt): number | null {
    const theirs = this.prs.proposalBlockParts;
    if (!theirs) return null;
    if (this.partScratch?.bits !== ours.bits) this.partScratch = new BitArray(ours.bits);
    return this.partScratch.assignSub(ours, theirs).pickRandom(randInt);
  }
}
