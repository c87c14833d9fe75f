// Block sync between nodes assembled by createNode, over an in-memory link: a fresh full node
// fetches a simulated chain from its peers, verifies every block by the next one's LastCommit,
// applies it and then follows consensus; a peer serving a forged block is dropped and banned, and
// the node syncs from the honest one.
import { describe, expect, it } from 'vitest';
import { KVStoreApp } from '../core/app/kvstore.js';
import { decodeBlocksyncMessage, encodeBlocksyncMessage } from '../core/encoding/blocksync.js';
import { encodeBlock } from '../core/encoding/codec.js';
import { blockHash } from '../core/state/execution.js';
import { Simulation } from '../sim/simulation.js';
import { DEFAULT_CONSENSUS_CONFIG } from '../core/consensus/config.js';
import type { AssembledNode } from './create-node.js';
import { createNode } from './create-node.js';
import { BLOCKSYNC_CHANNEL_ID } from './blocksync-reactor.js';
import type { BlocksyncEvent } from './blocksync-reactor.js';
import { MemoryBlockStore, MemoryStateStore, MemoryWAL } from './memory-stores.js';
import { realTimeScheduler } from './real-time-scheduler.js';
import { SignatureCache } from './signature-cache.js';
import type { PeerTransport, TransportHandler } from './switch.js';
import type { BlockStore, StateStore } from './ports.js';

/** Peers on one event loop: bytes arrive on a later turn, as over a socket. */
class MemoryNet {
  private readonly handlers = new Map<string, TransportHandler>();
  private readonly links = new Set<string>();
  /** Rewrites what `from` sends (a Byzantine peer). */
  readonly tamper = new Map<string, (channel: number, bytes: Uint8Array) => Uint8Array>();

  transport(id: string): PeerTransport {
    return {
      send: (to, channel, bytes) => {
        if (!this.links.has(`${id}>${to}`)) return false;
        const out = this.tamper.get(id)?.(channel, bytes) ?? bytes;
        setTimeout(() => this.links.has(`${id}>${to}`) && this.handlers.get(to)?.receive(id, channel, out), 0);
        return true;
      },
      disconnect: (peer, reason) => {
        this.links.delete(`${id}>${peer}`);
        this.links.delete(`${peer}>${id}`);
        this.handlers.get(peer)?.peerDisconnected(id, reason);
      },
    };
  }

  attach(id: string, sw: TransportHandler): void {
    this.handlers.set(id, sw);
  }

  connect(a: string, b: string): void {
    this.links.add(`${a}>${b}`).add(`${b}>${a}`);
    this.handlers.get(a)!.peerConnected(b);
    this.handlers.get(b)!.peerConnected(a);
  }
}

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const HEIGHTS = 30;

async function chain() {
  const sim = new Simulation({ validators: 4, heights: HEIGHTS, seed: 7, config: { timeoutCommit: 100 }, txsPerHeight: 2 });
  await sim.run();
  return sim;
}

const freshStores = () => ({ blockStore: new MemoryBlockStore(), stateStore: new MemoryStateStore() });

async function assemble(net: MemoryNet, id: string, sim: Simulation, stores: { blockStore: BlockStore; stateStore: StateStore }): Promise<AssembledNode> {
  const n = await createNode({
    name: id,
    genesis: sim.genesis,
    config: { ...DEFAULT_CONSENSUS_CONFIG, timeoutCommit: 100 },
    privValidator: null,
    stores: { wal: new MemoryWAL(), blockStore: stores.blockStore, stateStore: stores.stateStore },
    app: new KVStoreApp(),
    clock: { now: () => Date.now() },
    scheduler: realTimeScheduler,
    verifier: new SignatureCache(null),
    network: { transport: net.transport(id), randInt: (k) => Math.floor(Math.random() * k), blockSync: { tickInterval: 5 } },
  });
  net.attach(id, n.sw!);
  return n;
}

describe('block sync', () => {
  it('a fresh full node syncs a chain from its peers, then consensus takes over', async () => {
    const sim = await chain();
    const net = new MemoryNet();
    const a = await assemble(net, 'a', sim, sim.nodes[0]);
    const b = await assemble(net, 'b', sim, sim.nodes[1]);
    const stores = freshStores();
    const fresh = stores.blockStore;
    const c = await assemble(net, 'c', sim, stores);
    const events: BlocksyncEvent[] = [];
    c.blocksync!.onEvent((e) => events.push(e));
    net.connect('c', 'a');
    net.connect('c', 'b');
    await c.start();
    await until('caught up', () => events.some((e) => e.type === 'caughtUp'));
    const top = sim.nodes[0].blockStore.height();
    // the last block has nothing to commit it yet: consensus catch-up brings it
    expect(fresh.height()).toBe(top - 1);
    for (let h = 1; h < top; h++) expect(blockHash(fresh.loadBlock(h)!)).toEqual(blockHash(sim.nodes[0].blockStore.loadBlock(h)!));
    expect(c.node.getState().appHash).toEqual(sim.nodes[0].blockStore.loadBlock(top)!.header.appHash);
    expect(new Set(events.filter((e) => e.type === 'synced').map((e) => (e as { peerId: string }).peerId))).toEqual(new Set(['a', 'b']));
    expect(c.node.getRoundState().height).toBe(top);
    c.node.stop();
  }, 60_000);

  it('a peer serving a forged block is dropped and banned; the node syncs from the honest one', async () => {
    const sim = await chain();
    const net = new MemoryNet();
    const honest = await assemble(net, 'honest', sim, sim.nodes[0]);
    const liar = await assemble(net, 'liar', sim, sim.nodes[1]);
    // the liar adds a transaction to every block it serves: the hash no longer matches the commit
    net.tamper.set('liar', (channel, bytes) => {
      if (channel !== BLOCKSYNC_CHANNEL_ID) return bytes;
      const msg = decodeBlocksyncMessage(bytes);
      if (msg.kind !== 'BlockResponse') return bytes;
      const forged = { ...msg.block, data: { txs: [...msg.block.data.txs, new TextEncoder().encode('forged=1')] } };
      return encodeBlocksyncMessage({ kind: 'BlockResponse', blockBytes: encodeBlock(forged) });
    });
    const stores = freshStores();
    const fresh = stores.blockStore;
    const c = await assemble(net, 'c', sim, stores);
    const events: BlocksyncEvent[] = [];
    c.blocksync!.onEvent((e) => events.push(e));
    net.connect('c', 'liar');
    net.connect('c', 'honest');
    await c.start();
    await until('caught up', () => events.some((e) => e.type === 'caughtUp'));
    const bad = events.filter((e) => e.type === 'badBlock');
    expect(bad.length).toBeGreaterThan(0);
    expect(bad.flatMap((e) => (e as { peers: string[] }).peers)).toContain('liar');
    expect(c.sw!.peers()).toEqual(['honest']);
    expect(fresh.height()).toBe(sim.nodes[0].blockStore.height() - 1);
    for (let h = 1; h <= fresh.height(); h++) expect(fresh.loadBlock(h)!.data.txs.map((t) => new TextDecoder().decode(t))).not.toContain('forged=1');
    // banned: connecting again is refused at once
    net.connect('c', 'liar');
    expect(c.sw!.peers()).toEqual(['honest']);
    c.node.stop();
    void honest;
    void liar;
  }, 60_000);

  it('garbage and unsolicited blocks on 0x40 drop the peer', async () => {
    const sim = await chain();
    const net = new MemoryNet();
    const c = await assemble(net, 'c', sim, freshStores());
    const peer = await assemble(net, 'p', sim, sim.nodes[0]);
    net.connect('c', 'p');
    c.sw!.receive('p', BLOCKSYNC_CHANNEL_ID, new Uint8Array([0x1a, 0x05, 1, 2]));
    expect(c.sw!.peers()).toEqual([]);
    net.connect('c', 'p');
    await c.start();
    const block = sim.nodes[0].blockStore.loadBlock(HEIGHTS - 2)!;
    c.sw!.receive('p', BLOCKSYNC_CHANNEL_ID, encodeBlocksyncMessage({ kind: 'BlockResponse', blockBytes: encodeBlock(block) }));
    expect(c.sw!.peers()).toEqual([]);
    c.blocksync!.stop();
    void peer;
  }, 60_000);
});
