// Unit-level state-machine scenarios (spec §16.4, catalogue groups A, B, G-17): one engine under
// test, stub validators that sign real votes, explicit time. Names follow the upstream tests.
import { describe, expect, it } from 'vitest';
import { RoundStepType as S, SignedMsgType } from '../types.js';
import { blockIdEqual, isNilBlockId } from '../blockid.js';
import { bytesEqual } from '../bytes.js';
import { Harness, proposerAt } from './harness.test-util.js';
import { makeBlockParts } from '../state/execution.js';

const PV = SignedMsgType.Prevote;
const PC = SignedMsgType.Precommit;

/** cs1 is the validator proposing at round 3, so rounds 0–2 are proposed by stubs. */
function notProposing(opts: ConstructorParameters<typeof Harness>[0] = {}) {
  return new Harness({ ...opts, me: proposerAt(opts.validators ?? 4, 3) }).start();
}

function toRound0Propose(h: Harness) {
  h.fireTimeout(S.NewHeight);
  // a proposer signs at once and moves on to prevote its own block
  expect(h.rs.step).toBe(h.me && bytesEqual(h.proposer().address, h.me.address) ? S.Prevote : S.Propose);
  return h;
}

describe('ConsensusState [CMT]', () => {
  it('starts at height 1 in NewHeight and schedules round 0 after timeout_commit', () => {
    const h = new Harness().start();
    expect(h.rs.height).toBe(1);
    expect(h.rs.step).toBe(S.NewHeight);
    expect(h.hasTimeout(S.NewHeight, 0)).toBe(true);
    expect(h.rs.startTime - h.now).toBe(1000);
  });

  it('enter propose without a private validator: never proposes, prevotes nothing', () => {
    const h = new Harness({ me: null }).start();
    toRound0Propose(h);
    h.fireTimeout(S.Propose);
    expect(h.rs.step).toBe(S.Prevote);
    expect(h.ownVotes).toHaveLength(0);
    expect(h.effects.some((e) => e.type === 'signProposal')).toBe(false);
  });

  it('enter propose as the proposer: signs a proposal, parts, and prevotes its own block', () => {
    const h = new Harness({ me: proposerAt(4, 0) }).start();
    toRound0Propose(h);
    expect(h.ownProposals).toHaveLength(1);
    const p = h.ownProposals[0];
    expect(p.polRound).toBe(-1);
    expect(h.rs.step).toBe(S.Prevote);
    const vote = h.lastOwnVote(PV)!;
    expect(blockIdEqual(vote.blockId, p.blockId)).toBe(true);
  });

  it('full round: polka locks, +2/3 precommits commit, next height collects LastCommit', () => {
    const h = toRound0Propose(notProposing());
    const prop = h.proposer();
    const b = h.makeBlock(prop);
    h.propose(prop, 0, b);
    expect(h.rs.step).toBe(S.Prevote);
    expect(blockIdEqual(h.lastOwnVote(PV)!.blockId, b.blockId)).toBe(true);
    h.votes(PV, b.blockId, h.others());
    expect(h.eventsOf('Lock')).toHaveLength(1);
    expect(h.rs.lockedRound).toBe(0);
    expect(blockIdEqual(h.lastOwnVote(PC)!.blockId, b.blockId)).toBe(true);
    h.votes(PC, b.blockId, h.others().slice(0, 2));
    const nb = h.eventsOf('NewBlock');
    expect(nb).toHaveLength(1);
    expect(nb[0].block.header.height).toBe(1);
    expect(nb[0].commitRound).toBe(0);
    expect(h.rs.height).toBe(2);
    expect(h.rs.step).toBe(S.NewHeight);
    expect(h.rs.lockedRound).toBe(-1);
    // G-17: a late precommit for H-1 during NewHeight extends LastCommit
    expect(h.rs.lastCommit!.hasAll()).toBe(false);
    h.deliver({ kind: 'Vote', vote: h.signVote(h.others()[2], PC, b.blockId, 0, 1) });
    expect(h.rs.lastCommit!.hasAll()).toBe(true);
    // effects in crash-safe order: block, EndHeight, state
    const order = h.effects.filter((e) => ['saveBlock', 'walEndHeight', 'saveState'].includes(e.type)).map((e) => e.type);
    expect(order).toEqual(['saveBlock', 'walEndHeight', 'saveState']);
  });

  it('G-17 a late precommit for H-1 after NewHeight is ignored', () => {
    const h = toRound0Propose(notProposing());
    const prop = h.proposer();
    const b = h.makeBlock(prop);
    h.propose(prop, 0, b).votes(PV, b.blockId, h.others()).votes(PC, b.blockId, h.others().slice(0, 2));
    h.fireTimeout(S.NewHeight);
    expect(h.rs.step).toBeGreaterThanOrEqual(S.Propose);
    const before = h.rs.lastCommit!.bitArray().count();
    h.deliver({ kind: 'Vote', vote: h.signVote(h.others()[2], PC, b.blockId, 0, 1) });
    expect(h.rs.lastCommit!.bitArray().count()).toBe(before);
  });

  it('skip_timeout_commit: all precommits in → the next height starts at once', () => {
    const h = toRound0Propose(notProposing({ config: { timeoutCommit: 0 } }));
    const prop = h.proposer();
    const b = h.makeBlock(prop);
    h.propose(prop, 0, b).votes(PV, b.blockId, h.others()).votes(PC, b.blockId, h.others());
    expect(h.rs.height).toBe(2);
    expect(h.rs.step).toBeGreaterThan(S.NewHeight);
  });

  it('bad proposal: a block with a wrong AppHash gets a nil prevote, then nil precommit after PrevoteWait', () => {
    const h = toRound0Propose(notProposing());
    const prop = h.proposer();
    const b = h.makeBlock(prop);
    // a new block object, not a mutated one: header hashes are memoized per object
    const bad = makeBlockParts({ ...b.block, header: { ...b.block.header, appHash: new Uint8Array(32).fill(7) } });
    h.propose(prop, 0, bad);
    expect(isNilBlockId(h.lastOwnVote(PV)!.blockId)).toBe(true);
    h.votes(PV, bad.blockId, [h.others()[0]]);
    h.votes(PV, null, [h.others()[1]]);
    expect(h.rs.step).toBe(S.PrevoteWait);
    h.fireTimeout(S.PrevoteWait);
    expect(isNilBlockId(h.lastOwnVote(PC)!.blockId)).toBe(true);
    expect(h.rs.lockedRound).toBe(-1);
  });

  it('an application that throws in ProcessProposal rejects the proposal (nil prevote, logged); the node goes on', () => {
    const h = toRound0Propose(notProposing());
    h.app.processProposal = () => {
      throw new RangeError('app bug on a peer tx');
    };
    const prop = h.proposer();
    h.propose(prop, 0, h.makeBlock(prop));
    expect(isNilBlockId(h.lastOwnVote(PV)!.blockId)).toBe(true);
    expect(h.events.some((e) => e.type === 'Rejected' && e.reason.includes('ProcessProposal threw: app bug'))).toBe(true);
  });

  it('full round nil: no proposal → nil prevote, nil polka → nil precommit, PrecommitWait → round 1', () => {
    const h = toRound0Propose(notProposing());
    h.fireTimeout(S.Propose);
    expect(h.eventsOf('TimeoutPropose')).toHaveLength(1);
    expect(isNilBlockId(h.lastOwnVote(PV)!.blockId)).toBe(true);
    h.votes(PV, null, h.others());
    expect(h.rs.step).toBe(S.Precommit);
    expect(isNilBlockId(h.lastOwnVote(PC)!.blockId)).toBe(true);
    h.votes(PC, null, h.others());
    // [CMT] +2/3 nil precommits: wait timeout_precommit, then the next round (§14 item 4)
    expect(h.rs.round).toBe(0);
    expect(h.rs.triggeredTimeoutPrecommit).toBe(true);
    h.fireTimeout(S.PrecommitWait);
    expect(h.rs.round).toBe(1);
    expect(h.rs.triggeredTimeoutPrecommit).toBe(false);
  });

  it('round timeouts grow per round (propose 3000 + 500·r)', () => {
    const h = toRound0Propose(notProposing());
    h.fireTimeout(S.Propose).votes(PV, null, h.others()).votes(PC, null, h.others()).fireTimeout(S.PrecommitWait);
    const t = h.effects.filter((e) => e.type === 'scheduleTimeout' && e.timeout.step === S.Propose).map((e) => (e as { timeout: { duration: number } }).timeout.duration);
    expect(t).toEqual([3000, 3500]);
  });

  /** cs1 locks on B in round 0 while precommits stay split, then moves to round 1. */
  function lockedInRound0() {
    const h = toRound0Propose(notProposing());
    const prop0 = h.proposer();
    const b = h.makeBlock(prop0, 'B');
    h.propose(prop0, 0, b).votes(PV, b.blockId, h.others());
    expect(h.rs.lockedRound).toBe(0);
    h.votes(PC, null, h.others().slice(0, 2)); // +2/3 any precommits, no majority
    expect(h.rs.triggeredTimeoutPrecommit).toBe(true);
    h.fireTimeout(S.PrecommitWait);
    expect(h.rs.round).toBe(1);
    return { h, b };
  }

  it('A lock, no POL: locked on B, a different proposal in round 1 gets a nil prevote; the lock stays', () => {
    const { h, b } = lockedInRound0();
    const prop1 = h.proposer();
    const b2 = h.makeBlock(prop1, 'B2');
    h.propose(prop1, 1, b2);
    expect(isNilBlockId(h.lastOwnVote(PV)!.blockId)).toBe(true);
    expect(h.rs.lockedRound).toBe(0);
    expect(bytesEqual(h.rs.lockedBlock!.hash, b.blockId.hash)).toBe(true);
  });

  it('A locked node prevotes the same block when it is proposed again without POL', () => {
    const { h, b } = lockedInRound0();
    h.propose(h.proposer(), 1, b);
    expect(blockIdEqual(h.lastOwnVote(PV)!.blockId, b.blockId)).toBe(true);
  });

  it('A nil polka does not unlock (TestStateLock_POLDoesNotUnlock, §4.19)', () => {
    const { h, b } = lockedInRound0();
    h.fireTimeout(S.Propose);
    h.votes(PV, null, h.others());
    expect(isNilBlockId(h.lastOwnVote(PC)!.blockId)).toBe(true);
    expect(h.rs.lockedRound).toBe(0);
    expect(bytesEqual(h.rs.lockedBlock!.hash, b.blockId.hash)).toBe(true);
    expect(h.eventsOf('Polka').at(-1)!.voteRound).toBe(1);
  });

  it('A POL relock: a polka for another block in round 1 moves the lock there', () => {
    const { h } = lockedInRound0();
    const prop1 = h.proposer();
    const b2 = h.makeBlock(prop1, 'B2');
    h.propose(prop1, 1, b2);
    h.votes(PV, b2.blockId, h.others());
    expect(h.rs.lockedRound).toBe(1);
    expect(bytesEqual(h.rs.lockedBlock!.hash, b2.blockId.hash)).toBe(true);
    expect(blockIdEqual(h.lastOwnVote(PC)!.blockId, b2.blockId)).toBe(true);
    expect(h.eventsOf('Lock')).toHaveLength(2);
  });

  it('A proposal with a valid POL round (vr ≥ lockedRound) gets a prevote for its block', () => {
    const { h } = lockedInRound0();
    // round 1: a polka for B2 that cs1 sees without locking (it never held B2's block)
    const prop1 = h.proposer();
    const b2 = h.makeBlock(prop1, 'B2');
    h.fireTimeout(S.Propose);
    h.votes(PV, b2.blockId, h.others()).fireTimeout(S.PrevoteWait); // polka without the block: wait, then precommit nil
    expect(h.rs.lockedRound).toBe(0);
    h.votes(PC, null, h.others().slice(0, 2)).fireTimeout(S.PrecommitWait);
    expect(h.rs.round).toBe(2);
    // round 2: B2 re-proposed with POLRound 1 > lockedRound 0 → prevote B2 (paper line 28)
    h.propose(h.proposer(), 2, b2, 1);
    expect(blockIdEqual(h.lastOwnVote(PV)!.blockId, b2.blockId)).toBe(true);
  });

  it('A a proposal re-using a polka older than the lock gets a nil prevote', () => {
    const h = toRound0Propose(notProposing());
    const prop0 = h.proposer();
    const a = h.makeBlock(prop0, 'A');
    // round 0: a polka for A that cs1 sees without its block (no lock)
    h.fireTimeout(S.Propose).votes(PV, a.blockId, h.others()).fireTimeout(S.PrevoteWait);
    h.votes(PC, null, h.others().slice(0, 2)).fireTimeout(S.PrecommitWait);
    // round 1: cs1 locks on B
    const b = h.makeBlock(h.proposer(), 'B');
    h.propose(h.proposer(), 1, b).votes(PV, b.blockId, h.others());
    expect(h.rs.lockedRound).toBe(1);
    h.votes(PC, null, h.others().slice(0, 2)).fireTimeout(S.PrecommitWait);
    // round 2: A with POLRound 0 < lockedRound 1 → nil
    h.propose(h.proposer(), 2, a, 0);
    expect(isNilBlockId(h.lastOwnVote(PV)!.blockId)).toBe(true);
  });

  it('B round skip on +2/3 prevotes of a higher round moves the round without voting there', () => {
    const h = toRound0Propose(notProposing());
    h.votes(PV, null, h.others(), 2);
    expect(h.rs.round).toBe(2);
    expect(h.rs.step).toBe(S.Propose);
    expect(h.ownVotes.filter((v) => v.round === 2)).toHaveLength(0);
  });

  it('B commit from a previous round: +2/3 precommits for B from round 0 arrive in round 1', () => {
    const h = toRound0Propose(notProposing());
    const prop0 = h.proposer();
    const b = h.makeBlock(prop0, 'B');
    h.fireTimeout(S.Propose); // cs1 prevotes nil in round 0
    h.votes(PV, null, h.others(), 1); // +2/3 prevotes of round 1: skip there
    expect(h.rs.round).toBe(1);
    h.votes(PC, b.blockId, h.others(), 0);
    expect(h.rs.step).toBe(S.Commit);
    expect(h.eventsOf('ValidBlock').some((e) => e.isCommit)).toBe(true); // announce: send us the parts
    for (let i = 0; i < b.parts.total; i++) h.deliver({ kind: 'BlockPart', height: 1, round: 0, part: b.parts.getPart(i)! });
    expect(h.eventsOf('NewBlock')).toHaveLength(1);
    expect(h.rs.height).toBe(2);
  });

  it('ValidBlock: a polka seen before the block arrives sets ValidBlock once the block completes', () => {
    const h = toRound0Propose(notProposing());
    const prop0 = h.proposer();
    const b = h.makeBlock(prop0, 'B');
    h.deliver({ kind: 'Proposal', proposal: h.signProposal(prop0, 0, b.blockId) });
    h.fireTimeout(S.Propose); // prevote nil: no block yet
    h.votes(PV, b.blockId, h.others());
    expect(h.rs.validRound).toBe(-1);
    for (let i = 0; i < b.parts.total; i++) h.deliver({ kind: 'BlockPart', height: 1, round: 0, part: b.parts.getPart(i)! });
    expect(h.rs.validRound).toBe(0);
    expect(bytesEqual(h.rs.validBlock!.hash, b.blockId.hash)).toBe(true);
  });

  it('proposer re-proposes its ValidBlock with POLRound = ValidRound', () => {
    const me = proposerAt(4, 1);
    const h = new Harness({ me }).start();
    toRound0Propose(h);
    const prop0 = h.proposer();
    const b = h.makeBlock(prop0, 'B');
    h.propose(prop0, 0, b).votes(PV, b.blockId, h.others());
    h.votes(PC, null, h.others().filter((v) => v !== prop0).slice(0, 1)).votes(PC, null, [prop0]).fireTimeout(S.PrecommitWait);
    expect(h.rs.round).toBe(1);
    const p1 = h.ownProposals.at(-1)!;
    expect(p1.round).toBe(1);
    expect(p1.polRound).toBe(0);
    expect(blockIdEqual(p1.blockId, b.blockId)).toBe(true);
  });

  it('Halt1: locked on B, late +2/3 precommits for B after moving to round 1 still commit B', () => {
    // TestStateHalt1: cs1 and vs2 precommit B, vs3 nil, vs4's precommit is late
    const h = toRound0Propose(notProposing());
    const b = h.makeBlock(h.proposer(), 'B');
    const [vs2, vs3, vs4] = h.others();
    h.propose(h.proposer(), 0, b).votes(PV, b.blockId, h.others());
    expect(h.rs.lockedRound).toBe(0);
    h.votes(PC, b.blockId, [vs2]).votes(PC, null, [vs3]).fireTimeout(S.PrecommitWait);
    expect(h.rs.round).toBe(1);
    h.votes(PC, b.blockId, [vs4], 0);
    expect(h.eventsOf('NewBlock')).toHaveLength(1);
    expect(h.eventsOf('NewBlock')[0].commitRound).toBe(0);
    expect(h.rs.height).toBe(2);
  });

  it('TestResetTimeoutPrecommitUponNewHeight: the precommit-timeout flag is cleared at a new height', () => {
    const h = toRound0Propose(notProposing());
    const prop = h.proposer();
    const b = h.makeBlock(prop);
    h.propose(prop, 0, b).votes(PV, b.blockId, h.others());
    h.votes(PC, null, [h.others()[0]]).votes(PC, b.blockId, [h.others()[1]]);
    expect(h.rs.triggeredTimeoutPrecommit).toBe(true);
    h.votes(PC, b.blockId, [h.others()[2]]);
    expect(h.rs.height).toBe(2);
    expect(h.rs.triggeredTimeoutPrecommit).toBe(false);
  });

  it('A equivocating proposer: the first proposal wins, the second is ignored', () => {
    const h = toRound0Propose(notProposing());
    const prop = h.proposer();
    const b1 = h.makeBlock(prop, 'one');
    const b2 = h.makeBlock(prop, 'two');
    h.propose(prop, 0, b1);
    h.deliver({ kind: 'Proposal', proposal: h.signProposal(prop, 0, b2.blockId) });
    expect(blockIdEqual(h.rs.proposal!.blockId, b1.blockId)).toBe(true);
  });

  it('A equivocating votes become DuplicateVoteEvidence', () => {
    const h = toRound0Propose(notProposing());
    const prop = h.proposer();
    const b = h.makeBlock(prop);
    const bad = h.others()[1];
    h.deliver({ kind: 'Vote', vote: h.signVote(bad, PV, b.blockId) });
    h.deliver({ kind: 'Vote', vote: h.signVote(bad, PV, null) });
    const ev = h.eventsOf('Evidence');
    expect(ev).toHaveLength(1);
    expect(bytesEqual(ev[0].evidence.voteA.validatorAddress, bad.address)).toBe(true);
    expect(h.cs.pendingEvidence).toHaveLength(1);
  });

  it('E a vote with a bad signature is rejected and changes nothing', () => {
    const h = toRound0Propose(notProposing());
    const v = h.signVote(h.others()[0], PV, null);
    v.signature = new Uint8Array(64).fill(1);
    h.deliver({ kind: 'Vote', vote: v });
    expect(h.eventsOf('Rejected').at(-1)!.reason).toMatch(/Signature/i);
    expect(h.rs.votes.prevotes(0)!.bitArray().count()).toBe(0);
  });

  it('E a proposal signed by a non-proposer is rejected', () => {
    const h = toRound0Propose(notProposing());
    const notProp = h.others().find((v) => v !== h.proposer())!;
    const b = h.makeBlock(notProp);
    h.deliver({ kind: 'Proposal', proposal: h.signProposal(notProp, 0, b.blockId) });
    expect(h.rs.proposal).toBeNull();
    expect(h.eventsOf('Rejected').at(-1)!.reason).toBe('ErrInvalidProposalSignature');
  });

  it('stale timeouts are ignored (§4.14)', () => {
    const h = toRound0Propose(notProposing());
    h.fireTimeout(S.Propose);
    const step = h.rs.step;
    h.deliver({ kind: 'Vote', vote: h.signVote(h.others()[0], PV, null) });
    h.cs.handle({ type: 'timeout', timeout: { duration: 0, height: 1, round: 0, step: S.Propose }, now: h.now });
    expect(h.rs.step).toBe(step);
  });
});
