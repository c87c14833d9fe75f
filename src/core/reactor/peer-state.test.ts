// PeerState update rules (spec §9.3) and vote picking.
import { describe, expect, it } from 'vitest';
import type { Vote } from '../types.js';
import { RoundStepType, SignedMsgType } from '../types.js';
import { BitArray } from '../bits/bit-array.js';
import { nilBlockId } from '../blockid.js';
import { PeerState } from './peer-state.js';
import type { VoteSetReader } from './vote-set-reader.js';

const step = (height: number, round: number, s: RoundStepType, lastCommitRound = 0) => ({ height, round, step: s, secondsSinceStartTime: 2, lastCommitRound });
const psh = { total: 3, hash: new Uint8Array(32).fill(1) };

function vote(height: number, round: number, type: SignedMsgType.Prevote | SignedMsgType.Precommit, index: number): Vote {
  return { type, height, round, blockId: nilBlockId(), timestamp: { seconds: 0, nanos: 0 }, validatorAddress: new Uint8Array(20), validatorIndex: index, signature: new Uint8Array(64), extension: new Uint8Array(0), extensionSignature: new Uint8Array(0) };
}

function reader(height: number, round: number, type: SignedMsgType.Prevote | SignedMsgType.Precommit, have: number[], size = 4, commit = false): VoteSetReader {
  return { height, round, type, size, bitArrayView: () => BitArray.fromIndices(size, have), getByIndex: (i) => (have.includes(i) ? vote(height, round, type, i) : null), isCommit: () => commit };
}

const first = () => 0;

describe('PeerState', () => {
  it('NewRoundStep moves forward only and resets per-round state on a new round', () => {
    const ps = new PeerState('p');
    ps.applyNewRoundStepMessage(step(5, 0, RoundStepType.Propose), 10_000);
    expect(ps.prs.startTime).toBe(8_000);
    ps.applyNewValidBlockMessage({ height: 5, round: 0, blockPartSetHeader: psh, blockParts: BitArray.fromIndices(3, [0]), isCommit: false });
    ps.ensureVoteBitArrays(5, 4);
    ps.setHasVoteHRS(5, 0, SignedMsgType.Prevote, 2);
    ps.applyNewRoundStepMessage(step(5, 0, RoundStepType.NewHeight), 10_000); // regression: ignored
    expect(ps.prs.step).toBe(RoundStepType.Propose);
    ps.applyNewRoundStepMessage(step(5, 0, RoundStepType.Prevote), 10_000); // same round: keeps what it has
    expect(ps.prs.proposalBlockParts?.toString()).toBe('BA{3:x__}');
    expect(ps.prs.prevotes?.get(2)).toBe(true);
    ps.applyNewRoundStepMessage(step(5, 1, RoundStepType.Propose), 10_000);
    expect(ps.prs.proposalBlockParts).toBeNull();
    expect(ps.prs.prevotes).toBeNull();
  });

  it('a new height keeps the precommits of the commit round as LastCommit (#9760)', () => {
    const ps = new PeerState('p');
    ps.applyNewRoundStepMessage(step(5, 2, RoundStepType.Precommit), 0);
    ps.ensureVoteBitArrays(5, 4);
    for (const i of [0, 1, 3]) ps.setHasVoteHRS(5, 2, SignedMsgType.Precommit, i);
    ps.applyNewRoundStepMessage(step(6, 0, RoundStepType.NewHeight, 2), 0);
    expect(ps.prs.lastCommitRound).toBe(2);
    expect(ps.prs.lastCommit?.toString()).toBe('BA{4:xx_x}');
    // a jump of more than one height has no usable LastCommit
    ps.applyNewRoundStepMessage(step(9, 0, RoundStepType.NewHeight, 0), 0);
    expect(ps.prs.lastCommit).toBeNull();
  });

  it('HasVote and ProposalPOL only apply to the height and round they name', () => {
    const ps = new PeerState('p');
    ps.applyNewRoundStepMessage(step(3, 1, RoundStepType.Prevote), 0);
    ps.ensureVoteBitArrays(3, 4);
    ps.applyHasVoteMessage({ height: 3, round: 1, type: SignedMsgType.Precommit, index: 1 });
    ps.applyHasVoteMessage({ height: 4, round: 1, type: SignedMsgType.Precommit, index: 2 });
    expect(ps.prs.precommits?.toString()).toBe('BA{4:_x__}');
    ps.setHasProposal({ type: SignedMsgType.Proposal, height: 3, round: 1, polRound: 0, blockId: { hash: new Uint8Array(32), partSetHeader: psh }, timestamp: { seconds: 0, nanos: 0 }, signature: new Uint8Array(64) });
    expect(ps.prs.proposal).toBe(true);
    expect(ps.prs.proposalPOLRound).toBe(0);
    ps.applyProposalPOLMessage({ height: 3, proposalPolRound: 0, proposalPol: BitArray.fromIndices(4, [0, 2]) });
    expect(ps.prs.proposalPOL?.toString()).toBe('BA{4:x_x_}');
    ps.applyProposalPOLMessage({ height: 3, proposalPolRound: 5, proposalPol: BitArray.fromIndices(4, [3]) });
    expect(ps.prs.proposalPOL?.toString()).toBe('BA{4:x_x_}');
  });

  it('picks only votes the peer lacks, and records them once sent', () => {
    const ps = new PeerState('p');
    ps.applyNewRoundStepMessage(step(2, 0, RoundStepType.Prevote), 0);
    ps.ensureVoteBitArrays(2, 4);
    ps.setHasVoteHRS(2, 0, SignedMsgType.Prevote, 0);
    const votes = reader(2, 0, SignedMsgType.Prevote, [0, 1, 3]);
    const sent: number[] = [];
    for (let v = ps.pickVoteToSend(votes, first); v; v = ps.pickVoteToSend(votes, first)) {
      sent.push(v.validatorIndex);
      ps.setHasVote(v);
    }
    expect(sent).toEqual([1, 3]);
  });

  it('VoteSetBits replaces what we believed with what the peer says it has for that block', () => {
    const ps = new PeerState('p');
    ps.applyNewRoundStepMessage(step(2, 0, RoundStepType.Precommit), 0);
    ps.ensureVoteBitArrays(2, 4);
    for (const i of [0, 1, 2]) ps.setHasVoteHRS(2, 0, SignedMsgType.Prevote, i);
    // the peer has only 1 of the votes we have for the block; the vote of 3 is outside our set
    ps.applyVoteSetBitsMessage({ height: 2, round: 0, type: SignedMsgType.Prevote, votes: BitArray.fromIndices(4, [1, 3]) }, BitArray.fromIndices(4, [0, 1, 2]));
    expect(ps.prs.prevotes?.toString()).toBe('BA{4:_x_x}');
  });

  it('a catch-up commit for the peer’s height is tracked separately', () => {
    const ps = new PeerState('p');
    ps.applyNewRoundStepMessage(step(7, 3, RoundStepType.Prevote), 0);
    const commit = reader(7, 1, SignedMsgType.Precommit, [0, 1, 2], 4, true);
    const v = ps.pickVoteToSend(commit, first)!;
    ps.setHasVote(v);
    expect(ps.prs.catchupCommitRound).toBe(1);
    expect(ps.prs.catchupCommit?.get(v.validatorIndex)).toBe(true);
  });

  it('picks a part we hold and the peer lacks, every such part in turn, and none when it has them all', () => {
    const ps = new PeerState('p');
    expect(ps.pickLackingPart(BitArray.fromIndices(3, [0, 1, 2]), first)).toBe(null); // no part set header from the peer yet
    ps.applyNewRoundStepMessage(step(5, 0, RoundStepType.Propose), 10_000);
    ps.initProposalBlockParts(psh);
    ps.setHasProposalBlockPart(5, 0, 1);
    const ours = BitArray.fromIndices(3, [0, 1, 2]);
    expect([0, 1].map((k) => ps.pickLackingPart(ours, () => k))).toEqual([0, 2]);
    ps.setHasProposalBlockPart(5, 0, 0);
    ps.setHasProposalBlockPart(5, 0, 2);
    expect(ps.pickLackingPart(ours, first)).toBe(null);
    expect(ours.count()).toBe(3); // ours is only read
  });
});
