// The valid block and the last commit a WAL replay keeps, on records made by hand: the cases a
// simulated node's WAL never holds (our node drops what its engine would ignore before the WAL;
// CometBFT's writes it) — a late precommit once the node left NewHeight, one of another round, a
// polka the proposal's last part completes, and a polka that only looked like one.
import { describe, expect, it } from 'vitest';
import { SignedMsgType } from '../types.js';
import type { Vote, VoteType } from '../types.js';
import type { WalFile } from './inspect.js';
import type { ReadWalRecord } from './record.js';
import { WalReplay } from './replay.js';
import { equalPowers, validBlockOf } from './replay-thresholds.js';

const bytes = (n: number, len: number) => new Uint8Array(len).fill(n);
const BLOCK = { hash: bytes(0xb1, 32), partSetHeader: { total: 2, hash: bytes(0xa1, 32) } };
const time = 1_700_000_000_000;

const step = (height: number, round: number, name: string): ReadWalRecord => ({ type: 'roundState', time, event: { height, round, step: `RoundStep${name}` } });
function vote(type: VoteType, height: number, round: number, index: number, block = BLOCK): ReadWalRecord {
  const v: Vote = { type, height, round, blockId: block, timestamp: { seconds: 0, nanos: 0 }, validatorAddress: bytes(index + 1, 20), validatorIndex: index, signature: bytes(0, 64), extension: new Uint8Array(0), extensionSignature: new Uint8Array(0) };
  return { type: 'msgInfo', time, peerId: index === 0 ? '' : `p${index}`, msg: { kind: 'Vote', vote: v } };
}
const proposal = (height: number, round: number): ReadWalRecord => ({
  type: 'msgInfo',
  time,
  peerId: 'p1',
  msg: { kind: 'Proposal', proposal: { type: SignedMsgType.Proposal, height, round, polRound: -1, blockId: BLOCK, timestamp: { seconds: 0, nanos: 0 }, signature: bytes(0, 64) } },
});
const part = (height: number, round: number, index: number): ReadWalRecord => ({
  type: 'msgInfo',
  time,
  peerId: 'p1',
  msg: { kind: 'BlockPart', height, round, part: { index, bytes: new Uint8Array(1), proof: { total: 2, index, leafHash: new Uint8Array(32), aunts: [] } } },
});
const fileOf = (records: ReadWalRecord[]): WalFile => ({ format: 'cometbft', entries: records.map((record, index) => ({ index, offset: index, size: 1, record })), goodLength: records.length, corruption: null });
const PV = SignedMsgType.Prevote as VoteType;
const PC = SignedMsgType.Precommit as VoteType;

/** Height 1 of 4 validators: the polka before the proposal's second part, then the commit by 0, 1, 2. */
const height1 = [
  step(1, 0, 'Propose'), proposal(1, 0), part(1, 0, 0),
  step(1, 0, 'Prevote'), vote(PV, 1, 0, 0), vote(PV, 1, 0, 1), vote(PV, 1, 0, 2),
  part(1, 0, 1), // 7: the block is complete with its polka in: ValidBlock
  step(1, 0, 'Precommit'), vote(PC, 1, 0, 0), vote(PC, 1, 0, 1), vote(PC, 1, 0, 2),
  step(1, 0, 'Commit'), { type: 'endHeight', time, height: 1 } as ReadWalRecord,
];

describe('the valid block and the last commit of a WAL replay', () => {
  it('a polka waits for the proposal block: ValidBlock when its last part comes', () => {
    const r = new WalReplay(fileOf(height1), 4);
    r.seek(7);
    expect(r.state.valid).toBeNull();
    r.seek(8);
    expect(r.state.valid).toEqual({ round: 0, block: 'B1'.repeat(32) });
  });

  it('late precommits join the LastCommit in NewHeight only, and of its round only', () => {
    const records = [...height1, step(2, 0, 'NewHeight'), vote(PC, 1, 1, 3), vote(PC, 1, 0, 3), step(2, 0, 'Propose'), vote(PC, 1, 0, 3)];
    const r = new WalReplay(fileOf(records), 4);
    r.seek(height1.length + 1);
    expect(r.state).toMatchObject({ height: 2, valid: null, lastCommit: { height: 1, round: 0, precommits: { voters: [0, 1, 2] } } });
    r.seek(height1.length + 2); // round 1's precommit: not LastCommit's round
    expect(r.state.lastCommit!.precommits.voters).toEqual([0, 1, 2]);
    r.seek(height1.length + 3);
    expect(r.state.lastCommit!.precommits.voters).toEqual([0, 1, 2, 3]);
    // a WAL written by a node that took no late precommit after NewHeight: this one is dropped
    const after = [...height1, step(2, 0, 'NewHeight'), step(2, 0, 'Propose'), vote(PC, 1, 0, 3)];
    const r2 = new WalReplay(fileOf(after), 4);
    r2.seek(after.length);
    expect(r2.state.lastCommit!.precommits.voters).toEqual([0, 1, 2]);
  });

  it('without a validator count, a polka the later votes disprove is not a valid block', () => {
    // one prevote seen of an unknown set: 1 of 1 column looks like +2/3 until others vote
    const records = [step(1, 0, 'Propose'), proposal(1, 0), part(1, 0, 0), part(1, 0, 1), step(1, 0, 'Prevote'), vote(PV, 1, 0, 0), vote(PV, 1, 0, 3, { hash: new Uint8Array(0), partSetHeader: { total: 0, hash: new Uint8Array(0) } })];
    const r = new WalReplay(fileOf(records));
    r.seek(6);
    expect(r.state.valid).toEqual({ round: 0, block: 'B1'.repeat(32) });
    expect(validBlockOf(r.state, equalPowers)).toEqual({ round: 0, block: 'B1'.repeat(32) });
    // a nil prevote at index 3: four columns, one vote for the block is no polka
    r.seek(7);
    expect(r.state.bitArraySize).toBe(4);
    expect(validBlockOf(r.state, equalPowers)).toBeNull();
  });
});
