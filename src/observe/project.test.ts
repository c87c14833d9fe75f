// The projector and the formatter: events and snapshots are JSON-safe plain data, and the printed
// event lines — what the simulator's log hash covers — stay exactly as they were per seed.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../sim/simulation.js';
import { simOptionsOf } from '../sim/session.js';
import { projectEvent, projectPeers, projectRoundState } from './project.js';
import { bitArrayString, eventLine } from './format.js';
import { createHash } from 'node:crypto';
import { BitArray } from '../core/bits/bit-array.js';

describe('projector', () => {
  it('every node\'s Vote event for one vote shares one view of it: a 100-validator history is mostly these', async () => {
    const sim = new Simulation(simOptionsOf({ validators: 4, seed: 1, faults: [] }));
    const byVote = new Map<object, Set<object>>();
    sim.onEvent(({ node, event }) => {
      if (event.type !== 'Vote') return;
      const view = (projectEvent(node, event) as Extract<ReturnType<typeof projectEvent>, { type: 'Vote' }>).vote;
      (byVote.get(event.vote) ?? byVote.set(event.vote, new Set()).get(event.vote)!).add(view);
    });
    await sim.init();
    const start = sim.clock.now();
    while (sim.clock.now() - start < 3000 && (await sim.advance()));
    expect(byVote.size).toBeGreaterThan(8);
    for (const views of byVote.values()) expect(views.size).toBe(1);
  });

  it('events: the model printed is the log line, for every kind of event of a faulty run', async () => {
    const sim = new Simulation(simOptionsOf({ validators: 4, seed: 3, timeouts: { timeoutCommit: 200 }, faults: [{ kind: 'equivocateVotes', node: 1 }, { kind: 'crash', node: 2, at: { height: 2 }, restartAfter: 1500 }] }));
    const kinds = new Set<string>();
    let n = 0;
    sim.onEvent((rec) => {
      const e = projectEvent(rec.node, rec.event);
      expect(JSON.parse(JSON.stringify(e))).toEqual(e);
      kinds.add(e.type);
      n++;
    });
    const start = sim.clock.now();
    await sim.init();
    while (sim.clock.now() - start < 8000 && (await sim.advance()));
    expect(n).toBeGreaterThan(100);
    for (const k of ['NewRoundStep', 'NewRound', 'Vote', 'Polka', 'Lock', 'NewBlock', 'CompleteProposal', 'Evidence']) expect(kinds).toContain(k);
    const sn = sim.nodes[0];
    const rs = projectRoundState(sn.node)!;
    expect(JSON.parse(JSON.stringify(rs))).toEqual(rs);
    const peers = projectPeers(sn.reactor);
    expect(peers.map((p) => p.peer)).toEqual(['n1', 'n2', 'n3']);
    expect(JSON.parse(JSON.stringify(peers))).toEqual(peers);
  }, 60_000);

  it('event-log hashes are stable per seed (pinned: a change of event format or order shows here)', async () => {
    // the same runs as `npx prevote sim --validators 4 --heights 5 --seed 1 [--topology direct]`;
    // `lines` hashes the printed event lines (as `--events` prints them), `log` is the simulator's
    // binary event-log hash (src/sim/event-log.ts) of the same events
    // (and the same without delays: every message then takes the clock's queue for timers due now;
    // in lockstep, these four nodes' events are the same with gossip and without)
    for (const [transport, delay, lines, log] of [
      [{ kind: 'full' }, 10, 'a2abc97a7c84618b04e095d4226dfd4ca77afb5598f8e7785e8edf8de699058c', 'ba1a1b3f71db53d671072066116cc8bbe57c64b2a355a6e875de270d5d499ffb'],
      ['direct', 10, '6f46f823c14f1db9a76608cce243f5776c6155e4a418f35d870243824cffb7ba', '4e60b3211a736f55b05da113d39aea8b32bcdf20aa63f8faeb17469eefbeb01c'],
      [{ kind: 'full' }, 0, '218fea6af44a82b204c64cc0f976d8dced9142ed55af8aad695e1f0b1cc0613f', '9cec430d6d50ab7562010cd172d5508f8565625f91cd8d8b1f7782f0a10cbeab'],
      ['direct', 0, '218fea6af44a82b204c64cc0f976d8dced9142ed55af8aad695e1f0b1cc0613f', '9cec430d6d50ab7562010cd172d5508f8565625f91cd8d8b1f7782f0a10cbeab'],
    ] as const) {
      const sim = new Simulation({ validators: 4, heights: 5, seed: 1, transport, link: { delayMin: delay, delayMax: delay * 5 }, keepEvents: false });
      const printed = createHash('sha256');
      sim.onEvent(({ node, event }) => printed.update(`${eventLine(projectEvent(node, event))}\n`));
      const res = await sim.run();
      expect({ lines: printed.digest('hex'), log: res.eventLogHash }).toEqual({ lines, log });
    }
  });

  it("bit-arrays are indices; CometBFT's string is made from them", () => {
    for (const ba of [BitArray.fromString('x_xx_'), new BitArray(0), BitArray.fromIndices(250, [0, 99, 100, 249])]) {
      const indices = [...Array(ba.bits).keys()].filter((i) => ba.get(i));
      expect(bitArrayString({ size: ba.bits, indices })).toBe(ba.toString());
    }
  });
});
