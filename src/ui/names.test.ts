// Validators are named after their nodes: the HeightVoteSet's columns follow the validator set's
// order (by power and address), which is not the nodes' order.
import { describe, expect, it } from 'vitest';
import { learnSigners, nameOfAddress, validatorNames } from './names.js';
import { LESSONS } from './lessons.js';
import { ClassroomSession } from '../sim/session.js';
import { toHex } from '../core/bytes.js';
import { isNil } from '../observe/format.js';
import type { Frame, ObsEvent } from '../observe/model.js';

async function run(id: string, t: number) {
  const s = new ClassroomSession();
  await s.load(LESSONS.find((l) => l.id === id)!.scenario);
  await s.advanceTo(t);
  const events = s.drain();
  const truth = new Map(s.sim.nodes.map((n) => [toHex(n.address), n.name]));
  return { s, events, frame: s.frame(), truth };
}

describe('validator names', () => {
  it('every validator is named after the node that signs with its address (learned from the votes)', async () => {
    const { events, frame, truth } = await run('happy-path', 4000);
    const learned = learnSigners(events);
    for (const [address, name] of truth) expect(learned.get(address)).toBe(name);
    const names = validatorNames(frame, frame.roundState, events);
    expect(names.map((v) => v.name)).toEqual(frame.roundState!.validators.map((v) => truth.get(v.address)));
    // the validator set is not in node order here: an index would mislabel the columns
    expect(names.map((v) => v.name)).not.toEqual(['n0', 'n1', 'n2', 'n3']);
  });

  it('a log trimmed at the front (the live history) is read on, not again: what was learned stands', async () => {
    const { events, truth } = await run('happy-path', 4000);
    const whole = new Map(learnSigners(events));
    const half = Math.floor(events.length / 2);
    // the live history drops the oldest events and later ones arrive: same answer as the whole log
    learnSigners(events.slice(0, half + 10));
    expect(learnSigners(events.slice(half))).toEqual(whole);
    expect(learnSigners(events.slice(events.length - 5))).toEqual(whole);
    for (const [address, name] of truth) expect(whole.get(address)).toBe(name);
  });

  it('lock-on-polka: the nil precommits of round 0 are n2’s and n3’s', async () => {
    const { events, frame } = await run('lock-on-polka', 2000);
    const names = validatorNames(frame, frame.roundState, events);
    const r0 = frame.roundState!.votes.find((v) => v.round === 0)!;
    const nil = r0.precommits.tallies.filter((t) => isNil(t.blockId)).flatMap((t) => t.bitArray.indices);
    expect(nil.map((i) => names[i].name).sort()).toEqual(['n2', 'n3']);
  });

  it('a node’s own address, when the source gives it, wins; one left over goes to the one node left', () => {
    const node = (id: string, index: number, address?: string) => ({ id, index, name: id, address, up: true, height: 1, round: 0, step: 'RoundStepPropose', committed: 0, lockedRound: -1, lockedBlock: null, proposer: null, faults: [], votingPower: '10' });
    const frame = { nodes: [node('n0', 0, 'CC'), node('n1', 1, 'AA'), node('n2', 2), node('n3', 3, 'BB')], selected: 'n0' } as unknown as Frame;
    const rs = { proposer: 'AA', validators: ['AA', 'BB', 'CC', 'DD'].map((address) => ({ address, votingPower: '10', proposerPriority: '0' })) };
    expect(validatorNames(frame, rs, [] as ObsEvent[]).map((v) => v.name)).toEqual(['n1', 'n3', 'n0', 'n2']);
  });

  it('a validator no node signs for takes the name the source gives it (a WAL beside its genesis), else its index', () => {
    const frame = { nodes: [{ id: 'n0.wal', index: 0, name: 'n0.wal', up: true, height: 1, round: 0, step: 'RoundStepPropose', committed: 0, lockedRound: -1, lockedBlock: null, proposer: null, faults: [], votingPower: '1' }], selected: 'n0.wal', t: 0, origin: 0 } as unknown as Frame;
    const rs = { proposer: 'cc', validators: [{ address: 'aa', name: 'alice' }, { address: 'bb' }, { address: 'cc', name: 'carol' }].map((v) => ({ ...v, votingPower: '1', proposerPriority: '0' })) };
    // the only node of the log saw every vote first: that names nobody (it named every column 'n0.wal')
    const events = [{ node: 'n0.wal', time: 1, type: 'Vote', vote: { validatorAddress: 'aa', type: 1, height: 1, round: 0, blockId: { hash: 'B1' } } }, { node: 'n0.wal', time: 2, type: 'Vote', vote: { validatorAddress: 'bb', type: 1, height: 1, round: 0, blockId: { hash: 'B1' } } }] as unknown as ObsEvent[];
    expect(validatorNames(frame, rs, events).map((v) => v.name)).toEqual(['alice', 'v1', 'carol']);
    // the source gives the node its own address (its own votes' in the WAL): that column is the node's
    const own = { ...frame, nodes: [{ ...frame.nodes[0], address: 'aa' }] } as Frame;
    const names = validatorNames(own, rs, events);
    expect(names.map((v) => v.name)).toEqual(['n0.wal', 'v1', 'carol']);
    expect(nameOfAddress(names, own, events, 'cc')).toBe('carol'); // the proposer, as the Inspector names it
  });

  it('live: a tab outside the validator set, which sees every vote first, names no validator', () => {
    const node = (id: string, index: number, address?: string) => ({ id, index, name: id, address, up: true, height: 5, round: 0, step: 'RoundStepNewHeight', committed: 4, lockedRound: -1, lockedBlock: null, proposer: null, faults: [], votingPower: '0' });
    const frame = { nodes: [node('tab', 0, 'EE'), node('hub', 1)], selected: 'tab', t: 0, origin: 0 } as unknown as Frame;
    const rs = { proposer: 'AA', validators: ['AA', 'BB', 'CC', 'DD'].map((address) => ({ address, votingPower: '10', proposerPriority: '0' })) };
    // the tab's own log: every validator's votes, each seen by the tab (the only node observed)
    const events = ['AA', 'BB', 'CC', 'DD'].map((address, i) => ({ node: 'tab', time: 100 + i, type: 'Vote', vote: { validatorAddress: address, type: 1, height: 4, round: 0, blockId: { hash: 'B1' } } })) as unknown as ObsEvent[];
    expect(learnSigners(events).size).toBe(0); // one node saw every vote: the votes say nothing of signers
    const names = validatorNames(frame, rs, events);
    expect(names.map((v) => v.name)).toEqual(['v0', 'v1', 'v2', 'v3']);
    expect(nameOfAddress(names, frame, events, 'AA')).toBe('v0'); // the proposer, as the Inspector names it
    expect(nameOfAddress(names, frame, events, 'EE')).toBe('tab');
    expect(nameOfAddress(names, frame, events, '0123456789ABCDEF')).toBe('0123456789AB');
    // the tab joins the set: its column is its own
    const joined = { ...rs, validators: [...rs.validators, { address: 'EE', votingPower: '1', proposerPriority: '0' }] };
    expect(validatorNames(frame, joined, events).map((v) => v.name)).toEqual(['v0', 'v1', 'v2', 'v3', 'tab']);
  });
});
