// The gossip choices of the consensus reactor (spec §9.5–§9.7), as pure functions of our
// RoundState, the peer's PeerState and the block store. The node's routines call them when
// something changed and send what they return; marking the peer only after a successful send.
import type { BlockID, Part, Vote } from '../types.js';
import { RoundStepType, SignedMsgType } from '../types.js';
import type { RandInt } from '../bits/bit-array.js';
import type { ConsensusMessage } from '../encoding/messages.js';
import type { RoundState } from '../consensus/round-state.js';
import type { PeerState, VoteHold } from './peer-state.js';
import type { VoteSetReader } from './vote-set-reader.js';
import { commitReader } from './vote-set-reader.js';
import type { Commit } from '../types.js';
import { partSetHeaderEqual } from '../blockid.js';

/** The part of the block store gossip reads (for peers at earlier heights). */
export interface BlockStoreReader {
  height(): number;
  base(): number;
  loadBlockMeta(height: number): { blockId: BlockID } | null;
  loadBlockPart(height: number, index: number): Part | null;
  loadBlockCommit(height: number): Commit | null;
  loadSeenCommit(height: number): Commit | null;
}

/** A message to send and what to record about the peer once it was sent. */
export interface Outgoing {
  msg: ConsensusMessage;
  onSent: () => void;
}

/** §9.5 gossipDataRoutine, one iteration: block parts, old blocks' parts, the proposal. */
export function pickDataToSend(rs: RoundState, ps: PeerState, store: BlockStoreReader, randInt: RandInt): Outgoing[] {
  const prs = ps.prs;
  // (a) parts of the block the peer is assembling, if we hold that same part set
  const parts = rs.proposalBlockParts;
  if (parts && prs.proposalBlockParts && ps.hasProposalBlockPartSetHeader(parts.header())) {
    const i = ps.pickLackingPart(parts.bitArrayView(), randInt);
    if (i !== null) {
      const part = parts.getPart(i)!;
      const { height, round } = prs;
      return [{ msg: { kind: 'BlockPart', height, round, part }, onSent: () => ps.setHasProposalBlockPart(height, round, i) }];
    }
  }
  // (b) a peer on an earlier height that we have in the block store
  if (prs.height > 0 && prs.height < rs.height && prs.height >= store.base()) {
    const meta = store.loadBlockMeta(prs.height);
    if (!meta) return [];
    if (!prs.proposalBlockParts) ps.initProposalBlockParts(meta.blockId.partSetHeader);
    if (!partSetHeaderEqual(meta.blockId.partSetHeader, prs.proposalBlockPartSetHeader)) return [];
    const i = prs.proposalBlockParts!.not().pickRandom(randInt);
    if (i === null) return [];
    const part = store.loadBlockPart(prs.height, i);
    if (!part) return [];
    const { height, round } = prs;
    return [{ msg: { kind: 'BlockPart', height, round, part }, onSent: () => ps.setHasProposalBlockPart(height, round, i) }];
  }
  // (c) same height and round: the proposal, with its POL bits
  if (rs.height !== prs.height || rs.round !== prs.round) return [];
  const proposal = rs.proposal;
  if (proposal && !prs.proposal) {
    const out: Outgoing[] = [{ msg: { kind: 'Proposal', proposal }, onSent: () => ps.setHasProposal(proposal) }];
    if (proposal.polRound >= 0) {
      const pol = rs.votes.prevotes(proposal.polRound);
      if (pol) out.push({ msg: { kind: 'ProposalPOL', height: rs.height, proposalPolRound: proposal.polRound, proposalPol: pol.bitArray() }, onSent: () => undefined });
    }
    return out;
  }
  return [];
}

/**
 * §9.6 gossipVotesRoutine, one iteration ([CMT] order): a vote to send, which the caller marks
 * (setHasVote) once the send succeeded. Votes `held` are passed over, so the next set in the
 * order may be offered meanwhile.
 */
export function pickVoteToSend(rs: RoundState, ps: PeerState, store: BlockStoreReader, randInt: RandInt, held?: VoteHold): Vote | null {
  const prs = ps.prs;
  if (rs.height === prs.height) {
    const v = forHeight(rs, ps, randInt, held);
    if (v) return v;
  }
  if (prs.height !== 0 && rs.height === prs.height + 1) {
    const v = ps.pickVoteToSend(rs.lastCommit, randInt, held);
    if (v) return v;
  }
  if (prs.height !== 0 && rs.height >= prs.height + 2 && prs.height >= store.base()) {
    const commit = store.loadBlockCommit(prs.height);
    if (commit) return ps.pickVoteToSend(commitReader(commit), randInt, held);
  }
  return null;
}

function forHeight(rs: RoundState, ps: PeerState, randInt: RandInt, held: VoteHold | undefined): Vote | null {
  const prs = ps.prs;
  const offer = (votes: VoteSetReader | null) => ps.pickVoteToSend(votes, randInt, held);
  if (prs.step === RoundStepType.NewHeight) {
    const v = offer(rs.lastCommit);
    if (v) return v;
  }
  const peerRoundKnown = prs.round !== -1 && prs.round <= rs.round;
  if (prs.step <= RoundStepType.Propose && peerRoundKnown && prs.proposalPOLRound !== -1) {
    const v = offer(rs.votes.prevotes(prs.proposalPOLRound));
    if (v) return v;
  }
  if (prs.step <= RoundStepType.PrevoteWait && peerRoundKnown) {
    const v = offer(rs.votes.prevotes(prs.round));
    if (v) return v;
  }
  if (prs.step <= RoundStepType.PrecommitWait && peerRoundKnown) {
    const v = offer(rs.votes.precommits(prs.round));
    if (v) return v;
  }
  if (peerRoundKnown) {
    // prevotes of the peer's round at any step, so a lagging peer learns polkas (ValidBlock)
    const v = offer(rs.votes.prevotes(prs.round));
    if (v) return v;
  }
  if (prs.proposalPOLRound !== -1) return offer(rs.votes.prevotes(prs.proposalPOLRound));
  return null;
}

/** §9.7 queryMaj23Routine, one iteration: the VoteSetMaj23 claims worth making to this peer. */
export function maj23Queries(rs: RoundState, ps: PeerState, store: BlockStoreReader): ConsensusMessage[] {
  const prs = ps.prs;
  const out: ConsensusMessage[] = [];
  const claim = (round: number, type: SignedMsgType.Prevote | SignedMsgType.Precommit, blockId: BlockID | null) => {
    if (blockId) out.push({ kind: 'VoteSetMaj23', height: prs.height, round, type, blockId });
  };
  if (rs.height === prs.height && prs.round >= 0) {
    claim(prs.round, SignedMsgType.Prevote, rs.votes.prevotes(prs.round)?.twoThirdsMajority() ?? null);
    claim(prs.round, SignedMsgType.Precommit, rs.votes.precommits(prs.round)?.twoThirdsMajority() ?? null);
    if (prs.proposalPOLRound >= 0) claim(prs.proposalPOLRound, SignedMsgType.Prevote, rs.votes.prevotes(prs.proposalPOLRound)?.twoThirdsMajority() ?? null);
  }
  if (prs.catchupCommitRound !== -1 && prs.height > 0 && prs.height <= store.height() && prs.height >= store.base()) {
    const commit = prs.height === store.height() ? store.loadSeenCommit(prs.height) : store.loadBlockCommit(prs.height);
    if (commit) claim(commit.round, SignedMsgType.Precommit, commit.blockId);
  }
  return out;
}


/**
 * While we wait for the parts of a block we have already prevoted on or are committing, the
 * NewValidBlock that tells peers which parts we hold (§9.4), repeated on the maj23 schedule.
 * A peer records a part as ours once it is sent; if the link lost it, that peer would never send
 * it again, and a node in Commit would wait forever (issue 10 defect 2). The repeat resets the
 * peer's record to the truth, as VoteSetBits does for votes; a NewValidBlock that arrives for
 * another round is ignored by the peer unless it is a commit, exactly as the first one.
 */
export function missingPartsAnnouncement(rs: RoundState): ConsensusMessage | null {
  const parts = rs.proposalBlockParts;
  if (!parts || parts.isComplete() || rs.step < RoundStepType.Prevote) return null;
  return { kind: 'NewValidBlock', height: rs.height, round: rs.round, blockPartSetHeader: parts.header(), blockParts: parts.bitArray(), isCommit: rs.step === RoundStepType.Commit };
}
