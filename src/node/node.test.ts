// The seed's ConsensusState API on the node loop: SetPrivValidator, SetTimeoutTicker, Wait.
import { describe, expect, it } from 'vitest';
import { ConsensusNode } from './node.js';
import { LocalPrivValidator } from './priv-validator.js';
import { SignatureCache } from './signature-cache.js';
import { handshake } from './handshake.js';
import { KVStoreApp } from '../core/app/kvstore.js';
import { signSync, verifySync } from '../core/crypto/ed25519.js';
import { Simulation } from '../sim/simulation.js';
import { VirtualClock } from '../sim/clock.js';
import { toHex } from '../core/bytes.js';

/** One validator's node, not started, built from a one-validator simulation's genesis and stores. */
async function solo() {
  const sim = new Simulation({ validators: 1, seed: 4, heights: 3, config: { timeoutCommit: 10 } });
  const sn = sim.nodes[0];
  const app = new KVStoreApp();
  const state = await handshake(app, sim.genesis, sn.blockStore, sn.stateStore);
  const pv = new LocalPrivValidator({ pubKey: sn.pubKey, sign: async (m) => signSync(sn.seed, m) }, sn.privvalStore);
  await pv.load();
  const node = new ConsensusNode({
    name: 'solo', state, config: sim.config, app, privValidator: null, wal: sn.wal, blockStore: sn.blockStore, stateStore: sn.stateStore,
    clock: sim.clock, scheduler: sim.clock, network: { broadcast: () => undefined, publish: () => undefined, stopPeer: () => undefined }, signatures: new SignatureCache(null),
  });
  return { clock: sim.clock, node, pv, blocks: sn.blockStore };
}

async function drive(clock: VirtualClock, node: ConsensusNode, timers: number): Promise<void> {
  for (let i = 0; i < timers && clock.fireNext(); i++) await node.whenIdle();
}

describe('ConsensusNode API', () => {
  it('without a PrivValidator the node never signs; SetPrivValidator makes it the validator that commits', async () => {
    const idle = await solo();
    await idle.node.start();
    await drive(idle.clock, idle.node, 200);
    expect(idle.blocks.height()).toBe(0);

    const live = await solo();
    live.node.setPrivValidator(live.pv);
    await live.node.start();
    await drive(live.clock, live.node, 200);
    expect(live.blocks.height()).toBeGreaterThanOrEqual(3);
  });

  it('SetTimeoutTicker moves the timeouts onto another scheduler', async () => {
    const { clock, node, pv, blocks } = await solo();
    const ticker = new VirtualClock(clock.now());
    node.setPrivValidator(pv);
    node.setTimeoutTicker(ticker);
    await node.start();
    expect(clock.peek()).toBeNull(); // nothing scheduled on the node's own clock
    await drive(ticker, node, 50);
    expect(blocks.height()).toBeGreaterThanOrEqual(1);
  });

  it('Wait resolves when the node stops', async () => {
    const { node } = await solo();
    await node.start();
    let done = false;
    const waited = node.wait().then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    node.stop();
    await waited;
    expect(done).toBe(true);
  });
});

describe('verification at ingress', () => {
  it('every vote and proposal is verified before the engine sees it: the step itself verifies (almost) nothing', async () => {
    let batches = 0;
    const counting = {
      verify: async () => true,
      verifyBatch: async (items: { pubKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[]) => {
        batches++;
        return items.map((it) => verifySync(it.pubKey, it.message, it.signature));
      },
    };
    const sim = new Simulation({ validators: 4, seed: 5, heights: 6, transport: 'direct', config: { timeoutCommit: 50 }, sharedVerification: false, verifier: counting });
    const res = await sim.run();
    expect(res.ok, res.replay).toBe(true);
    const verified = sim.nodes.reduce((n, sn) => n + sn.signatures!.verified, 0);
    const inStep = sim.nodes.reduce((n, sn) => n + sn.signatures!.verifiedInStep, 0);
    expect(batches).toBeGreaterThan(0);
    // each node verifies the others' votes and proposals (its own are recorded, never verified)
    expect(verified).toBeGreaterThanOrEqual(4 * 6 * 3 * 2);
    // what is left to the step: LastCommit signatures of precommits a node never received
    expect(inStep).toBeLessThanOrEqual(verified * 0.05);
  });

  it('takes transactions before and while it starts (block sync, the mempool reactor) without touching the engine early', async () => {
    const { clock, node, pv, blocks } = await solo();
    node.setPrivValidator(pv);
    const tx = (n: number) => new TextEncoder().encode(`k${n}=v${n}`);
    expect(node.submitTx(tx(1))).toBeNull(); // not started: the engine has no height yet
    const starting = node.start();
    expect(node.submitTx(tx(2))).toBeNull(); // starting: the WAL is being opened
    await starting;
    await drive(clock, node, 200);
    const txs = Array.from({ length: blocks.height() }, (_, i) => blocks.loadBlock(i + 1)!.data.txs.length).reduce((a, b) => a + b, 0);
    expect(txs).toBe(2);
  });
});

describe('duplicate votes', () => {
  // direct delivery re-sends every recent message when a partition heals: the votes a node
  // already had arrive again, and the node drops them before its WAL and the engine
  it('a vote the engine already counted is dropped before the WAL and the engine: no WAL holds a vote twice', async () => {
    const sim = new Simulation({
      validators: 4,
      seed: 11,
      heights: 4,
      transport: 'direct',
      faults: [{ kind: 'partition', groups: [[0, 1], [2, 3]], at: { height: 2 }, duration: 1500 }],
    });
    const added = new Map<string, number>();
    sim.onEvent(({ node, event }) => {
      if (event.type === 'Vote') added.set(node, (added.get(node) ?? 0) + 1);
    });
    const res = await sim.run({ keepRunning: true });
    expect(res.ok, res.replay).toBe(true);
    for (const sn of sim.nodes) {
      expect(sn.node!.votesIgnored).toBeGreaterThan(0);
      const walVotes = sn.wal.records.flatMap((r) => (r.type === 'msgInfo' && r.msg.kind === 'Vote' ? [r.msg.vote] : []));
      // no vote twice in a WAL; the ones the engine added are all there
      expect(new Set(walVotes.map((v) => toHex(v.signature))).size).toBe(walVotes.length);
      expect(walVotes.length).toBeGreaterThanOrEqual(added.get(sn.name)!);
    }
    sim.stop();
  });
});
