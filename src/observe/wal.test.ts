// A WAL replay in the observation model: the projection of real CometBFT and Tendermint v0.10 WALs,
// and the WAL source's playback — a seek lands on the frame stepping reaches, with the same events.
import { describe, expect, it } from 'vitest';
import { readShared } from '../../test/shared.js';
import { readWal } from '../core/wal/inspect.js';
import { CHECKPOINT_EVERY } from '../core/wal/replay.js';
import type { Frame, ObsEvent } from './model.js';
import type { FrameMessage, SourceMessage } from './protocol.js';
import { WalProjection } from './wal.js';
import type { WalSourceClock } from './wal-source.js';
import { WalSource } from './wal-source.js';
import { eventLine } from './format.js';

const wal = (p: string) => readWal(new Uint8Array(readShared(`fixtures/wal/${p}`)));
const json = <T>(x: T): T => JSON.parse(JSON.stringify(x));

/** A source with its messages collected; a clock that moves only when told. */
function open(file: ReturnType<typeof wal>, node = 'n') {
  let now = 0;
  const timers: (() => void)[] = [];
  const clock: WalSourceClock = { now: () => now, setTimeout: (fn) => timers.push(fn) };
  const src = new WalSource(file, { node }, clock);
  const msgs: SourceMessage[] = [];
  src.onMessage((m) => msgs.push(m));
  const last = () => msgs.at(-1) as FrameMessage;
  const advance = (ms: number) => {
    now += ms;
    const due = timers.splice(0);
    for (const fn of due) fn();
  };
  return { src, msgs, last, advance };
}

describe('WAL projection', () => {
  it('projects a CometBFT WAL: one event per record, a RoundState with its HeightVoteSet', () => {
    const file = wal('cometbft/v0.34-kvstore-b.wal');
    const p = new WalProjection(file, { node: 'kvstore-b' });
    const events = p.events(0, p.total);
    expect(events).toHaveLength(p.total);
    expect(json(events)).toEqual(events);
    const kinds = new Set(events.map((e) => e.type));
    expect([...kinds].sort()).toEqual(['BlockPartAdded', 'EndHeight', 'NewRoundStep', 'ProposalAccepted', 'Timeout', 'Vote']);
    // the 11th record (index 10) is EndHeight 1, after the node's own precommit for the block
    expect(events[10]).toMatchObject({ type: 'EndHeight', endHeight: 1, node: 'kvstore-b', height: 1, round: 0, step: 'RoundStepCommit' });
    expect(events[10].time).toBe(file.entries[10].record.time);
    expect(eventLine(events[10])).toMatch(/ kvstore-b 1\/0\/RoundStepCommit EndHeight 1$/);
    expect(events[1]).toMatchObject({ type: 'Timeout', timeoutStep: 'RoundStepNewHeight' });

    p.replay.seek(10);
    const v = p.view();
    const rs = v.roundState;
    expect(rs).toMatchObject({ height: 1, round: 0, step: 'RoundStepCommit', lockedRound: 0, commitRound: 0, proposer: '', validRound: 0, lastCommit: null });
    expect(rs.validators).toEqual([{ address: expect.stringMatching(/^[0-9a-f]{40}$/), votingPower: '1', proposerPriority: '0' }]);
    const block = rs.proposal!.blockId;
    expect(block.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rs.proposalBlock).toBe(block.hash);
    expect(rs.lockedBlock).toBe(block.hash);
    expect(rs.validBlock).toBe(block.hash);
    expect(rs.proposalBlockParts).toEqual({ size: 1, indices: [0] });
    const pc = rs.votes[0].precommits;
    expect(pc).toEqual({ round: 0, type: 2, bitArray: { size: 1, indices: [0] }, tallies: [{ blockId: block, power: '1', bitArray: { size: 1, indices: [0] } }], twoThirdsMajority: block, hasTwoThirdsAny: true, sum: '1' });
    expect(v.proposals).toEqual([{ round: 0, polRound: -1, blockId: block, from: null }]);
    expect(v.ownVotes.map((o) => o.type)).toEqual(['prevote', 'precommit']);
    const f = p.frame();
    expect(f).toMatchObject({ steps: 10, selected: 'kvstore-b', peers: [], checks: [], logHash: '', t: (file.entries[9].record.time as number) - p.origin });
    expect(f.nodes).toEqual([expect.objectContaining({ id: 'kvstore-b', height: 1, step: 'RoundStepCommit', committed: 0, lockedRound: 0, lockedBlock: block, votingPower: '1' })]);
    p.replay.seek(11);
    expect(p.frame().nodes[0].committed).toBe(1);
    expect(json(p.frame())).toEqual(p.frame());
  });

  it('timeouts: TimeoutPropose and TimeoutWait as the engine emits them, Timeout for timeout_commit', () => {
    const p = new WalProjection(wal('cometbft/v0.37-stuck-height1.wal'), { node: 'stuck' });
    const events = p.events(0, p.total);
    const timeouts = events.filter((e) => e.type.startsWith('Timeout'));
    expect(timeouts.map((e) => (e.type === 'TimeoutWait' ? e.waitStep : e.type === 'Timeout' ? e.timeoutStep : e.type))).toEqual(
      expect.arrayContaining(['TimeoutPropose', 'RoundStepPrecommitWait', 'RoundStepNewHeight']),
    );
    const tw = events.find((e) => e.type === 'TimeoutWait')!;
    expect(eventLine(tw)).toMatch(/ stuck \d+\/\d+\/RoundStep\w+ TimeoutWait RoundStepPrecommitWait$/);
  });

  it('a Tendermint v0.10 #ENDHEIGHT takes the time of the record before it (the next one at the start)', () => {
    const file = wal('tendermint-v0.10/many_blocks.cswal');
    const p = new WalProjection(file, { node: 'v010' });
    const nulls = file.entries.map((e, i) => ({ e, i })).filter(({ e }) => e.record.time === null);
    expect(nulls.length).toBeGreaterThan(1);
    for (const { i } of nulls) {
      const ev = p.event(i);
      expect(ev.type).toBe('EndHeight');
      const expected = i === 0 ? file.entries.find((e) => e.record.time !== null)!.record.time : p.time(i - 1);
      expect(ev.time).toBe(expected);
    }
    expect(p.events(0, p.total).every((e) => Number.isFinite(e.time))).toBe(true);
    // a v0.10 proposal names no block hash: the part-set header only
    p.replay.next(p.total);
    expect(p.view().proposals.every((x) => x.blockId.hash === '' && x.blockId.partSetHeader.total > 0)).toBe(true);
  });
});

describe('WAL source', () => {
  for (const fixture of ['cometbft/v0.34-kvstore-b.wal', 'tendermint-v0.10/small_block2.cswal']) {
    it(`${fixture}: a seek lands on the frame stepping reaches, with every event up to there`, () => {
      const file = wal(fixture);
      const { src, msgs, last } = open(file);
      expect(msgs).toHaveLength(1);
      expect(last()).toMatchObject({ type: 'frame', reset: true, events: [], playing: false });
      expect(last().frame.steps).toBe(0);
      const frames: Frame[] = [last().frame];
      const events: ObsEvent[] = [];
      for (let k = 1; k <= file.entries.length; k++) {
        src.send({ type: 'step' });
        const m = last();
        expect(m.reset).toBe(false);
        expect(m.events).toHaveLength(1);
        expect(m.frame.steps).toBe(k);
        frames.push(m.frame);
        events.push(...m.events);
      }
      src.send({ type: 'step' }); // past the end: the same frame, nothing new
      expect(last().events).toEqual([]);
      expect(last().frame).toEqual(frames.at(-1));
      expect(json(frames)).toEqual(frames);
      expect(json(events)).toEqual(events);

      const n = file.entries.length;
      const ks = [...new Set([0, 1, 2, 7, n >> 1, CHECKPOINT_EVERY - 1, CHECKPOINT_EVERY, CHECKPOINT_EVERY + 1, 3 * CHECKPOINT_EVERY + 5, n - 1, n].filter((k) => k >= 0 && k <= n))];
      // back and forth: each seek from wherever the previous one left the replay
      for (const k of [...ks, ...[...ks].reverse()]) {
        src.send({ type: 'seekRecord', records: k });
        const m = last();
        expect(m.reset).toBe(true);
        expect(m.frame).toEqual(frames[k]);
        expect(m.events).toEqual(events.slice(0, k));
      }
      // seek by time: the last record at or before t
      for (const k of ks.filter((k) => k > 0)) {
        const t = frames[k].t;
        src.send({ type: 'seek', t });
        const m = last();
        expect(m.frame.t).toBe(t);
        expect(m.frame.steps).toBeGreaterThanOrEqual(k);
        expect(m.frame).toEqual(frames[m.frame.steps]);
        if (m.frame.steps < n) expect(frames[m.frame.steps + 1].t).toBeGreaterThan(t);
      }
      // after a seek back, stepping goes on from there
      src.send({ type: 'seekRecord', records: 3 });
      src.send({ type: 'step' });
      expect(last().frame).toEqual(frames[4]);
      expect(last().events).toEqual([events[3]]);
      src.send({ type: 'select', node: 'n' });
      expect(last().frame).toEqual(frames[4]);
    });
  }

  it('play applies the records at their recorded pace (long gaps shortened) until the end', () => {
    const file = wal('tendermint-v0.10/small_block2.cswal');
    const { src, msgs, last, advance } = open(file);
    src.send({ type: 'speed', factor: 1000 });
    src.send({ type: 'play' });
    expect(last().playing).toBe(true);
    let guard = 0;
    while (last().playing && guard++ < 10_000) advance(33);
    expect(last().playing).toBe(false);
    expect(last().frame.steps).toBe(file.entries.length);
    const played = msgs.filter((m): m is FrameMessage => m.type === 'frame' && !m.reset).flatMap((m) => m.events);
    expect(played).toEqual(new WalProjection(file, { node: 'n' }).events(0, file.entries.length));
    src.send({ type: 'seekRecord', records: 0 });
    src.send({ type: 'play' });
    advance(0);
    src.send({ type: 'pause' });
    expect(last().playing).toBe(false);
    const at = last().frame.steps;
    advance(10_000);
    expect(last().frame.steps).toBe(at);
  });
});
