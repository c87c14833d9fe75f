// The gossip reactor in the simulator: catch-up, sparse topologies, and hostile peers
// (catalogue groups B and E, the cases that need gossip).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propConfig } from '../../../test/props.js';
import { expectHealthy, simulate, withSeed } from './run.test-util.js';
import { Simulation } from '../simulation.js';
import type { Vote } from '../../core/types.js';
import { SignedMsgType } from '../../core/types.js';
import { nilBlockId } from '../../core/blockid.js';
import { signSync } from '../../core/crypto/ed25519.js';
import { voteSignBytes } from '../../core/encoding/sign-bytes.js';
import { bytesEqual, concat, fromHex } from '../../core/bytes.js';
import { sha256 } from '../../core/crypto/sha256.js';
import { encodeMessage } from '../../core/encoding/messages.js';
import { DATA_CHANNEL, STATE_CHANNEL, VOTE_CHANNEL } from '../../core/reactor/receive.js';

const FAST = { timeoutCommit: 200 };

/** A running 4-node network, stopped after `heights`, to poke at its reactors. */
async function network(heights = 2) {
  const sim = new Simulation({ validators: 4, heights, seed: 11, config: FAST });
  await sim.run({ keepRunning: true });
  return sim;
}

function peerOf(sim: Simulation, i: number, peer: string): boolean {
  return sim.nodes[i].reactor!.peerStates().has(peer);
}

describe('gossip reactor', () => {
  it('B-18 a slow validator catches up inside the height (LastCommit and parts from the store)', async () => {
    const { sim, res } = await simulate({
      validators: 4, heights: 6, seed: 5, config: FAST,
      faults: [{ kind: 'delay', to: 3, delayMin: 900, delayMax: 1100, at: { height: 2 }, duration: 3000 }],
    });
    expectHealthy(res);
    withSeed(res, () => {
      expect(sim.committedHeight(3)).toBeGreaterThanOrEqual(6);
      expect(sim.nodes[3].blockStore.loadBlock(3)!.header.height).toBe(3);
    });
  });

  it('B-21 a node isolated for several heights rejoins through the reactor and commits every block', async () => {
    const { sim, res } = await simulate({
      validators: 4, heights: 10, seed: 3, config: FAST,
      faults: [{ kind: 'partition', groups: [[0, 1, 2], [3]], at: { height: 2 }, duration: 6000 }],
    });
    expectHealthy(res);
    withSeed(res, () => {
      for (let h = 1; h <= 10; h++) expect(sim.nodes[3].blockStore.loadBlock(h)).not.toBeNull();
    });
  });

  it('B-29 gossip relays over sparse topologies (ring of 8, random 3-regular of 10)', async () => {
    const ring = await simulate({ validators: 8, heights: 4, seed: 2, config: FAST, transport: { kind: 'ring' } });
    expectHealthy(ring.res);
    const regular = await simulate({ validators: 10, heights: 4, seed: 2, config: FAST, transport: { kind: 'regular', degree: 3 } });
    expectHealthy(regular.res);
    withSeed(regular.res, () => {
      for (const n of regular.sim.nodes) expect(regular.sim.network.peersOf(n.name).length).toBeGreaterThanOrEqual(3);
      expect(Object.values(regular.res.commitRounds).every((r) => r === 0)).toBe(true);
    });
  });

  it('E-01 undecodable and oversized bytes drop the peer with a typed reason', async () => {
    const sim = await network();
    sim.nodes[0].reactor!.receive(VOTE_CHANNEL, 'n1', fromHex('ffff'));
    expect(peerOf(sim, 0, 'n1')).toBe(false);
    sim.nodes[0].reactor!.receive(DATA_CHANNEL, 'n2', new Uint8Array(1_048_577));
    expect(peerOf(sim, 0, 'n2')).toBe(false);
    const reasons = sim.network.stats.disconnects.map((d) => d.reason);
    expect(reasons[0]).toMatch(/malformed message on channel 0x22/);
    expect(reasons[1]).toMatch(/ErrMsgTooBig/);
    expect(peerOf(sim, 0, 'n3')).toBe(true);
  });

  it('E-07 conflicting VoteSetMaj23 claims from one peer drop it; a repeated claim does not', async () => {
    const sim = await network();
    const r = sim.nodes[0].reactor!;
    const rs = sim.nodes[0].node!.getRoundStateSimple();
    const blockId = (tag: string) => ({ hash: sha256(concat(fromHex('00'), new TextEncoder().encode(tag))), partSetHeader: { total: 1, hash: sha256(new TextEncoder().encode(`p${tag}`)) } });
    const claim = (tag: string) => encodeMessage({ kind: 'VoteSetMaj23', height: rs.height, round: rs.round, type: SignedMsgType.Prevote, blockId: blockId(tag) });
    r.receive(STATE_CHANNEL, 'n1', claim('a'));
    r.receive(STATE_CHANNEL, 'n1', claim('a'));
    expect(peerOf(sim, 0, 'n1')).toBe(true);
    r.receive(STATE_CHANNEL, 'n1', claim('b'));
    await sim.nodes[0].node!.whenIdle(); // the claim is an input on the node's queue
    expect(peerOf(sim, 0, 'n1')).toBe(false);
    expect(sim.network.stats.disconnects.at(-1)!.reason).toMatch(/conflicting maj23/);
  });

  it('E-15 a NewValidBlock with PartSetHeader.total 2^32-1 is refused before any allocation', async () => {
    const sim = await network();
    const bytes = fromHex('1210080110001a0808ffffffff0f12002200');
    sim.nodes[1].reactor!.receive(STATE_CHANNEL, 'n2', bytes);
    expect(peerOf(sim, 1, 'n2')).toBe(false);
    expect(sim.network.stats.disconnects.at(-1)!.reason).toMatch(/total 4294967295 exceeds 1601|bits/);
  });

  it('E-20 far-future-round votes from one peer open at most two catch-up rounds', async () => {
    const sim = await network();
    const node = sim.nodes[0].node!;
    const h = node.getRoundStateSimple().height;
    const roundNumbers = () => node.getRoundState().votes.map((v) => v.round);
    const before = roundNumbers().length;
    // votes signed by n1 for rounds 100..109 (valid signatures: this is a peer relaying junk rounds)
    const idx = node.getValidators().validators.findIndex((v) => bytesEqual(v.address, sim.nodes[1].address));
    for (let round = 100; round < 110; round++) {
      const unsigned: Vote = { type: SignedMsgType.Prevote, height: h, round, blockId: nilBlockId(), timestamp: { seconds: 1, nanos: 0 }, validatorAddress: sim.nodes[1].address, validatorIndex: idx, signature: new Uint8Array(0), extension: new Uint8Array(0), extensionSignature: new Uint8Array(0) };
      const v = { ...unsigned, signature: signSync(sim.nodes[1].seed, voteSignBytes(sim.genesis.chainId, unsigned)) };
      sim.nodes[0].reactor!.receive(VOTE_CHANNEL, 'n3', encodeMessage({ kind: 'Vote', vote: v }));
    }
    await node.whenIdle();
    const rounds = roundNumbers();
    expect(rounds.filter((r) => r >= 100)).toEqual([100, 101]);
    expect(rounds.length).toBe(before + 2);
  });

  it('E property: hostile bytes from a Byzantine peer on any channel crash nothing; the others drop it and go on', async () => {
    // a oneof tag of a real message kind with a random body, or bytes with no structure at all
    const framed = fc.tuple(fc.integer({ min: 1, max: 10 }), fc.uint8Array({ maxLength: 200 })).map(([kind, body]) => concat(new Uint8Array([(kind << 3) | 2, body.length & 0x7f]), body));
    const junk = fc.oneof(framed, fc.uint8Array({ maxLength: 300 }));
    let dropped = 0;
    const injection = fc.record({ at: fc.integer({ min: 0, max: 3000 }), to: fc.integer({ min: 0, max: 2 }), channel: fc.constantFrom(STATE_CHANNEL, DATA_CHANNEL, VOTE_CHANNEL, 0x23, 0x99), bytes: junk });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), fc.array(injection, { minLength: 1, maxLength: 20 }), async (seed, attacks) => {
        const sim = new Simulation({ validators: 4, heights: 4, seed, config: FAST, faulty: [3] });
        await sim.init();
        for (const a of attacks) sim.clock.after(a.at, () => sim.nodes[a.to].reactor?.receive(a.channel, 'n3', a.bytes));
        const res = await sim.run();
        expectHealthy(res);
        // every attacked node that hit a malformed message dropped the attacker, naming why
        const drops = sim.network.stats.disconnects.filter((d) => d.peer === 'n3');
        expect(drops.every((d) => /malformed|invalid|unknown|peer/i.test(d.reason))).toBe(true);
        dropped += drops.length;
      }),
      propConfig(15),
    );
    expect(dropped).toBeGreaterThan(10); // the attacks did reach the reactors
  }, 120_000);
});

