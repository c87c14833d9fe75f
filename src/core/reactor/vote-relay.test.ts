// Relay timing (issue 16): own votes at once, relayed votes held for lazy peers, eager edges
// learnt from HasVote, and the held votes left out of a pick.
import { describe, expect, it } from 'vitest';
import { RoundStepType, SignedMsgType } from '../types.js';
import { BitArray } from '../bits/bit-array.js';
import { nilBlockId } from '../blockid.js';
import { PeerState } from './peer-state.js';
import { VoteRelay } from './vote-relay.js';
import type { VoteSetReader } from './vote-set-reader.js';

const PV = SignedMsgType.Prevote;
const max = (n: number) => n - 1;

function reader(have: number[], size = 4): VoteSetReader {
  return {
    height: 5, round: 0, type: PV, size,
    bitArrayView: () => BitArray.fromIndices(size, have),
    getByIndex: (i) => (have.includes(i) ? { type: PV, height: 5, round: 0, blockId: nilBlockId(), timestamp: { seconds: 0, nanos: 0 }, validatorAddress: new Uint8Array(20), validatorIndex: i, signature: new Uint8Array(64), extension: new Uint8Array(0), extensionSignature: new Uint8Array(0) } : null),
    isCommit: () => false,
  };
}

describe('VoteRelay', () => {
  it('sends votes with no arrival on record at once, and holds a relayed one for lazy peers', () => {
    const r = new VoteRelay({ hold: 30, jitter: 20 });
    expect(r.readyAt('b', 5, 0, PV, 1)).toBe(0); // our own vote
    r.noteArrival('a', 5, 0, PV, 1, 4, 1000, max);
    expect(r.readyAt('b', 5, 0, PV, 1)).toBe(1050);
    expect(r.firstSender(5, 0, PV, 1)).toBe('a');
    r.noteArrival('c', 5, 0, PV, 1, 4, 1010, max); // a later copy changes nothing
    expect(r.firstSender(5, 0, PV, 1)).toBe('a');
    expect(r.readyAt('b', 5, 0, PV, 1)).toBe(1050);
    r.noteArrival('a', 9, 0, PV, 1, 0, 1000, max); // a set of unknown size (soak: threw, stopping the node)
    expect(r.firstSender(9, 0, PV, 1)).toBeNull();
    expect(r.readyAt('b', 9, 0, PV, 1)).toBe(0);
  });

  it('a peer we sent a validator\'s vote becomes eager for it until it answers with HasVote', () => {
    const r = new VoteRelay({ hold: 30, jitter: 0 });
    r.noteSent('b', 5, 0, PV, 2, 4);
    r.noteArrival('a', 5, 0, SignedMsgType.Precommit, 2, 4, 1000, max);
    expect(r.readyAt('b', 5, 0, SignedMsgType.Precommit, 2)).toBe(0); // eager: at once
    expect(r.readyAt('c', 5, 0, SignedMsgType.Precommit, 2)).toBe(1030); // lazy
    r.noteHasVote('b', 5, 0, PV, 2); // our prevote was not its first copy: prune
    expect(r.readyAt('b', 5, 0, SignedMsgType.Precommit, 2)).toBe(1030);
    r.noteHasVote('c', 5, 0, PV, 2); // a HasVote for a vote we never sent prunes nothing
    r.prune(7);
    expect(r.firstSender(5, 0, SignedMsgType.Precommit, 2)).toBeNull();
  });

  it('PeerState leaves held votes out of the pick', () => {
    const ps = new PeerState('p');
    ps.applyNewRoundStepMessage({ height: 5, round: 0, step: RoundStepType.Prevote, secondsSinceStartTime: 0, lastCommitRound: 0 }, 0);
    const picked = new Set<number>();
    const holdAllBut2 = { holdBack: (_h: number, _r: number, _t: number, lacking: BitArray) => void lacking.clearWhen((i) => i !== 2) };
    for (let k = 0; k < 4; k++) picked.add(ps.pickVoteToSend(reader([0, 1, 2, 3]), (n) => k % n, holdAllBut2)!.validatorIndex);
    expect([...picked]).toEqual([2]);
    const holdAll = { holdBack: (_h: number, _r: number, _t: number, lacking: BitArray) => void lacking.clearWhen(() => true) };
    expect(ps.pickVoteToSend(reader([0, 1, 3]), () => 0, holdAll)).toBeNull();
  });

  it('holds back, a set at a time, the relayed votes not yet due for a lazy peer, and says when the first is', () => {
    const r = new VoteRelay({ hold: 30, jitter: 0 });
    r.noteArrival('a', 5, 0, PV, 1, 4, 1000, max);
    r.noteArrival('a', 5, 0, PV, 3, 4, 1010, max);
    r.noteSent('b', 5, 0, SignedMsgType.Precommit, 3, 4); // b is eager for validator 3
    const lacking = () => BitArray.fromIndices(4, [0, 1, 2, 3]); // 0 and 2: our own, no arrival
    const forC = lacking();
    expect(r.holdBack('c', 5, 0, PV, forC, 1020)).toBe(1030);
    expect([...forC.indices()]).toEqual([0, 2]);
    const forB = lacking();
    expect(r.holdBack('b', 5, 0, PV, forB, 1020)).toBe(1030);
    expect([...forB.indices()]).toEqual([0, 2, 3]);
    const later = lacking();
    expect(r.holdBack('c', 5, 0, PV, later, 1035)).toBe(1040);
    expect([...later.indices()]).toEqual([0, 1, 2]);
    expect(r.holdBack('c', 6, 0, PV, lacking(), 1035)).toBe(Infinity); // no slot: nothing waits
  });
});
