// The live node without a browser: memory stores and key vault, an in-memory lock manager and a
// stand-in for the page's transport, joined to a one-validator chain (the "hub"). It syncs,
// follows consensus, becomes a validator by its own transaction, reloads with the same keys; a
// second tab only watches; a failed storage write stops it at once. Pure parts are tested alone.
import { afterEach, describe, expect, it } from 'vitest';
import { KVStoreApp } from '../../core/app/kvstore.js';
import { PartSet } from '../../core/blocks/part-set.js';
import { toHex } from '../../core/bytes.js';
import { DEFAULT_CONSENSUS_CONFIG } from '../../core/consensus/config.js';
import type { ConsensusConfig } from '../../core/consensus/config.js';
import { publicKeyFromSeed } from '../../core/crypto/ed25519.js';
import { parseGenesis } from '../../core/state/genesis.js';
import type { Commit } from '../../core/types.js';
import { BlockIDFlag } from '../../core/types.js';
import { scanCometWal } from '../../core/wal/scan.js';
import { genesisJson } from '../../cli/home.js';
import type { AssembledNode } from '../../node/create-node.js';
import { createNode } from '../../node/create-node.js';
import { handshake } from '../../node/handshake.js';
import { MemoryBlockStore, MemoryStateStore, MemoryWAL } from '../../node/memory-stores.js';
import { LocalPrivValidator, MemoryPrivValidatorStateStore } from '../../node/priv-validator.js';
import { realTimeScheduler } from '../../node/real-time-scheduler.js';
import { SignatureCache } from '../../node/signature-cache.js';
import type { TransportHandler } from '../../node/switch.js';
import type { BlockRecord } from '../../node/write-through-block-store.js';
import { WriteThroughBlockStore } from '../../node/write-through-block-store.js';
import type { LiveStatus } from '../../observe/live.js';
import type { FrameMessage } from '../../observe/protocol.js';
import { Simulation } from '../../sim/simulation.js';
import { createKeySigner, createVerifier } from '../shared/webcrypto-verifier.js';
import { memoryKeyVault, memoryLocks } from './browser-keys.js';
import type { LiveEnv, LiveTransport } from './live-node.js';
import { LiveNode } from './live-node.js';
import type { LiveStores } from './live-stores.js';
import { RecentWAL, memoryStores } from './live-stores.js';
import { WHY_OTHER_TAB, WHY_VALIDATOR_LEFT } from './live-keys.js';
import { EventLog, MissedBlocks, RECENT_EVENTS, describeFailure, liveStage } from './live-report.js';
import type { WorkerToPage } from './live-protocol.js';

const FAST: Partial<ConsensusConfig> = { timeoutPropose: 400, timeoutPrevote: 200, timeoutPrecommit: 200, timeoutCommit: 150 };

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Peers on one event loop, standing in for the page's libp2p behind the bridge port. */
class Net {
  private readonly handlers = new Map<string, TransportHandler>();
  private readonly links = new Set<string>();

  transport(id: string): LiveTransport {
    return {
      selfId: id,
      setHandler: (h) => void this.handlers.set(id, h),
      send: (to, channel, bytes) => {
        if (!this.links.has(`${id}>${to}`)) return false;
        const copy = bytes.slice();
        setTimeout(() => this.links.has(`${id}>${to}`) && this.handlers.get(to)?.receive(id, channel, copy), 0);
        return true;
      },
      disconnect: (peer, reason) => {
        if (!this.links.delete(`${id}>${peer}`)) return;
        this.links.delete(`${peer}>${id}`);
        this.handlers.get(peer)?.peerDisconnected(id, reason);
      },
      addrsOf: () => [],
      dial: () => Promise.reject(new Error('no dialling here')),
      connectedCount: () => [...this.links].filter((l) => l.startsWith(`${id}>`)).length,
    };
  }

  connect(a: string, b: string): void {
    this.links.add(`${a}>${b}`).add(`${b}>${a}`);
    this.handlers.get(a)!.peerConnected(b);
    this.handlers.get(b)!.peerConnected(a);
  }
}

const HUB_SEED = new Uint8Array(32).fill(7);
const running: { stop(): void }[] = [];
afterEach(() => {
  for (const r of running.splice(0)) r.stop();
});

/** A one-validator chain with power 10 (so a tab with power 1 leaves genesis more than 2/3). */
async function hub(net: Net) {
  const json = genesisJson('live-test', [{ pubKey: publicKeyFromSeed(HUB_SEED), name: 'hub' }], Date.now());
  const pv = new LocalPrivValidator(await createKeySigner(HUB_SEED), new MemoryPrivValidatorStateStore());
  const transport = net.transport('hub');
  const n: AssembledNode = await createNode({
    name: 'hub',
    genesis: parseGenesis(json),
    config: { ...DEFAULT_CONSENSUS_CONFIG, ...FAST },
    privValidator: pv,
    stores: { wal: new MemoryWAL(), blockStore: new MemoryBlockStore(), stateStore: new MemoryStateStore() },
    app: new KVStoreApp(),
    clock: realTimeScheduler,
    scheduler: realTimeScheduler,
    verifier: new SignatureCache(await createVerifier()),
    network: { transport, randInt: (k) => Math.floor(Math.random() * k), blockSync: { tickInterval: 20 }, pex: { discovery: transport } },
  });
  transport.setHandler(n.sw!);
  await n.start();
  running.push(n);
  return { json, node: n };
}

/** A tab: its worker's live node with everything the browser would give it in memory. */
function tab(net: Net, shared: { vault: ReturnType<typeof memoryKeyVault>; locks: ReturnType<typeof memoryLocks> }, stores: () => Promise<LiveStores>) {
  const out: WorkerToPage[] = [];
  const env: LiveEnv = {
    post: (m) => void out.push(m),
    openStores: stores,
    openVault: async () => shared.vault,
    locks: shared.locks,
    subtle: crypto.subtle,
    random: (b) => crypto.getRandomValues(b),
    transport: (_bridge, selfId) => net.transport(selfId),
    clock: realTimeScheduler,
    verifier: createVerifier,
    randInt: (k) => Math.floor(Math.random() * k),
    config: FAST,
    blockSync: { tickInterval: 20, statusInterval: 200, pool: { startupGrace: 300 } },
    tickMs: 50,
  };
  const live = new LiveNode(env);
  const channel = new MessageChannel();
  running.push({ stop: () => (live.dispose(), channel.port1.close(), channel.port2.close()) });
  const status = () => (out.filter((m) => m.type === 'status').at(-1) as { status: LiveStatus } | undefined)?.status;
  const identity = () => out.find((m) => m.type === 'identity') as Extract<WorkerToPage, { type: 'identity' }> | undefined;
  const frames = () => out.filter((m) => m.type === 'frame') as FrameMessage[];
  const errors = () => out.filter((m) => m.type === 'error').map((m) => (m as { message: string }).message);
  return { live, out, status, identity, frames, errors, init: (json: string) => live.handle({ type: 'init', genesisJson: json, bridge: channel.port1 }) };
}

describe('live node', () => {
  it('syncs, follows consensus, becomes a validator, exports its WAL, and reloads with the same keys', async () => {
    const net = new Net();
    const h = await hub(net);
    const shared = { vault: memoryKeyVault(), locks: memoryLocks() };
    const stores = memoryStores();
    const t = tab(net, shared, async () => stores);
    await t.init(h.json);
    const id = t.identity()!;
    expect(id.nodeKey).toHaveLength(32);
    expect(id.peerId).toMatch(/^12D3KooW/);
    net.connect('hub', id.peerId);
    await until('full node', () => t.status()?.stage === 'full node');
    const s0 = t.status()!;
    expect(s0).toMatchObject({ chainId: 'live-test', peerId: id.peerId, power: '0', lastSigned: null, missedBlocks: 0, peers: ['hub'], why: null });
    expect(s0.address).toMatch(/^[0-9A-F]{40}$/);

    // frames: the first carries the history (reset), later ones only what is new
    await until('two frames', () => t.frames().length >= 2);
    const [first, second] = t.frames();
    expect(first.reset).toBe(true);
    expect(second.reset).toBe(false);
    const f = t.frames().at(-1)!.frame;
    expect(f.selected).toBe(id.peerId);
    expect(f.nodes.map((n) => n.id)).toEqual([id.peerId, 'hub']);
    expect(f.nodes.map((n) => n.index)).toEqual([0, 1]); // each its own place on the network view
    expect(f.nodes[0].address?.toUpperCase()).toBe(s0.address);
    expect(f.roundState?.height).toBeGreaterThan(0);
    expect(f.peers.map((p) => p.peer)).toEqual(['hub']);
    expect(f.links).toEqual([[id.peerId, 'hub']]); // the network view links us to our peers only
    // our node's events, and the hub's steps as its NewRoundStep messages reached us (its timeline lane)
    await until('the hub at a later height', () => t.frames().flatMap((m) => m.events).filter((e) => e.node === 'hub').length >= 4);
    const events = t.frames().flatMap((m) => m.events);
    expect(events.filter((e) => e.node !== id.peerId).every((e) => e.node === 'hub' && e.type === 'NewRoundStep')).toBe(true);
    const hubSteps = events.filter((e) => e.node === 'hub').map((e) => `${e.height}/${e.round}/${e.step}`);
    expect(new Set(hubSteps).size).toBe(hubSteps.length); // one event per change, not per message
    expect(hubSteps.some((s) => s.endsWith('/RoundStepPrevote'))).toBe(true);

    // becoming a validator: the tx goes through our mempool to the hub's, is committed, takes effect at H+2
    await t.live.handle({ type: 'becomeValidator', power: 1 });
    expect(t.errors()).toEqual([]);
    // asked twice at one height, the same transaction again is refused, in words
    await t.live.handle({ type: 'becomeValidator', power: 1 });
    expect(t.errors().at(-1)).toMatch(/refused: tx already in mempool/);
    await until('validator', () => t.status()?.stage === 'validator');
    await until('signing', () => (t.status()?.lastSigned?.height ?? 0) > 0);
    const s1 = t.status()!;
    expect(s1.power).toBe('1');
    // asked again later, it is a new transaction (its height as nonce), not one the mempool saw
    // committed: a tab the hub removed can come back
    const refusals = t.errors().length;
    await t.live.handle({ type: 'becomeValidator', power: 1 });
    expect(t.errors()).toHaveLength(refusals);

    await t.live.handle({ type: 'exportWal' });
    const wal = t.out.find((m) => m.type === 'wal') as { bytes: Uint8Array };
    const scan = scanCometWal(wal.bytes);
    expect(scan.corruption).toBeNull();
    expect(scan.entries.some((e) => e.record.type === 'msgInfo' && e.record.peerId === '')).toBe(true);

    // a reload: the same keys, the same stores, the app replayed; it carries on signing
    const signed = s1.lastSigned!.height;
    running.shift(); // the hub stays
    t.live.dispose();
    const again = tab(net, shared, async () => stores);
    await again.init(h.json);
    expect(again.identity()!.peerId).toBe(id.peerId);
    expect(again.identity()!.nodeKey).toEqual(id.nodeKey);
    net.connect('hub', id.peerId);
    await until('validator again', () => again.status()?.stage === 'validator' && again.status()!.lastSigned!.height > signed + 1);
    expect(again.status()!.address).toBe(s0.address);
  }, 60_000);

  it('a second tab of the profile only watches, with a node key of its own', async () => {
    const net = new Net();
    const h = await hub(net);
    const shared = { vault: memoryKeyVault(), locks: memoryLocks() };
    const a = tab(net, shared, async () => memoryStores());
    await a.init(h.json);
    const b = tab(net, shared, () => Promise.reject(new Error('an observer must not open the chain storage')));
    await b.init(h.json);
    expect(b.identity()!.peerId).not.toBe(a.identity()!.peerId);
    net.connect('hub', b.identity()!.peerId);
    await until('observer following', () => b.status()?.stage === 'observer' && b.status()!.committed > 1 && b.frames().length > 0);
    expect(b.status()).toMatchObject({ why: WHY_OTHER_TAB, address: a.status()!.address, lastSigned: null });
    // the views know the profile's address: they do not take the observer, which sees every vote
    // first, for the signer of the votes it sees (it named a genesis validator "this tab")
    expect(b.frames().at(-1)!.frame.nodes[0].address?.toUpperCase()).toBe(a.status()!.address);
    await b.live.handle({ type: 'becomeValidator', power: 1 });
    expect(b.errors().at(-1)).toMatch(/cannot become a validator: another tab/);
    a.live.dispose(); // the validator's tab closes: the observer stops saying another tab signs
    await until('the observer told to take over', () => b.status()?.why === WHY_VALIDATOR_LEFT);
  }, 60_000);

  it('a failed storage write stops the node at once and says why', async () => {
    const net = new Net();
    const h = await hub(net);
    const stores = memoryStores();
    const wal = stores.wal;
    let broken = false;
    const failing: LiveStores = {
      ...stores,
      wal: {
        write: (r) => (broken ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : wal.write(r)),
        writeSync: (r) => (broken ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : wal.writeSync(r)),
        isEmpty: () => wal.isEmpty(),
        recordsAfterEndHeight: (x) => wal.recordsAfterEndHeight(x),
      },
    };
    const t = tab(net, { vault: memoryKeyVault(), locks: memoryLocks() }, async () => failing);
    await t.init(h.json);
    net.connect('hub', t.identity()!.peerId);
    await until('full node', () => t.status()?.stage === 'full node');
    broken = true;
    await until('stopped', () => t.status()?.stage === 'stopped');
    expect(t.status()!.why).toMatch(/^storage is full: the browser refused to store more \(The quota has been exceeded\.\)/);
    expect(t.live.node!.node.isStopped).toBe(true);
    expect(t.status()!.peers).toEqual([]);
    const frames = t.frames().length;
    await new Promise((r) => setTimeout(r, 300));
    expect(t.frames().length).toBe(frames);
    await t.live.handle({ type: 'becomeValidator', power: 1 });
    expect(t.errors().at(-1)).toMatch(/the node is stopped: storage is full/);
    // what went wrong can still be looked at
    await t.live.handle({ type: 'exportWal' });
    expect(t.out.some((m) => m.type === 'wal')).toBe(true);
  }, 60_000);

  it('a genesis it cannot read is a stopped status, not a crash', async () => {
    const t = tab(new Net(), { vault: memoryKeyVault(), locks: memoryLocks() }, async () => memoryStores());
    await t.init('{"chain_id": ""}');
    expect(t.status()).toMatchObject({ stage: 'stopped' });
    expect(t.status()!.why).toMatch(/genesis is not usable: genesis chain_id: missing/);
  });
});

describe('missed blocks', () => {
  const A = new Uint8Array(20).fill(1);
  const B = new Uint8Array(20).fill(2);
  const commit = (height: number, sigs: [Uint8Array, BlockIDFlag][]): Commit => ({
    height,
    round: 0,
    blockId: { hash: new Uint8Array(32), partSetHeader: { total: 1, hash: new Uint8Array(32) } },
    signatures: sigs.map(([a, flag]) => ({ blockIdFlag: flag, validatorAddress: flag === BlockIDFlag.Absent ? new Uint8Array(0) : a, timestamp: { seconds: 0, nanos: 0 }, signature: new Uint8Array(64) })),
  });

  it('counts blocks whose LastCommit lacks our precommit, from the height we became a validator', () => {
    const m = new MissedBlocks(A);
    m.noteSet(4, [B]);
    m.noteSet(5, [B, A]);
    m.noteSet(6, [B, A]);
    m.noteSet(7, [B, A]);
    // block 5 commits height 4, where we were not a validator: not ours to miss
    m.noteBlock(5, commit(4, [[B, BlockIDFlag.Commit]]));
    expect(m.count).toBe(0);
    expect(m.since).toBe(5);
    m.noteBlock(6, commit(5, [[B, BlockIDFlag.Commit], [A, BlockIDFlag.Absent]]));
    expect(m.count).toBe(1);
    // a nil precommit is still our precommit
    m.noteBlock(7, commit(6, [[B, BlockIDFlag.Commit], [A, BlockIDFlag.Nil]]));
    m.noteBlock(8, commit(7, [[B, BlockIDFlag.Commit], [A, BlockIDFlag.Commit]]));
    expect(m.count).toBe(1);
    // a height we know nothing of is not counted
    m.noteBlock(20, commit(19, [[B, BlockIDFlag.Commit]]));
    expect(m.count).toBe(1);
  });
});

describe('stage, events, WAL, failures', () => {
  it('stage: stopped and observer first, then where the node is and whether it has power', () => {
    expect(liveStage('stopped', true, 5n)).toBe('stopped');
    expect(liveStage('consensus', true, 5n)).toBe('observer');
    expect(liveStage('starting', false, 0n)).toBe('starting');
    expect(liveStage('syncing', false, 5n)).toBe('syncing');
    expect(liveStage('consensus', false, 0n)).toBe('full node');
    expect(liveStage('consensus', false, 1n)).toBe('validator');
  });

  it('the event log sends the recent history once, then deltas, and stays bounded', () => {
    const log = new EventLog();
    const ev = (i: number) => ({ type: 'NewRoundStep' as const, node: 'n', time: i, height: i, round: 0, step: 'RoundStepPropose' as const });
    for (let i = 0; i < 3 * RECENT_EVENTS; i++) log.push(ev(i));
    const first = log.take();
    expect(first.reset).toBe(true);
    expect(first.events).toHaveLength(RECENT_EVENTS);
    expect(first.events.at(-1)!.time).toBe(3 * RECENT_EVENTS - 1);
    log.push(ev(-1));
    expect(log.take()).toEqual({ reset: false, events: [ev(-1)] });
    expect(log.take()).toEqual({ reset: false, events: [] });
  });

  it("an observer's WAL keeps the last few heights only", async () => {
    const wal = new RecentWAL(2);
    for (let h = 0; h < 10; h++) {
      await wal.write({ type: 'timeout', time: h, timeout: { duration: 1, height: h + 1, round: 0, step: 3 } });
      await wal.writeSync({ type: 'endHeight', time: h, height: h });
    }
    expect(wal.records.filter((r) => r.type === 'endHeight').map((r) => (r as { height: number }).height)).toEqual([8, 9]);
    await wal.write({ type: 'timeout', time: 10, timeout: { duration: 1, height: 10, round: 0, step: 3 } });
    expect(await wal.recordsAfterEndHeight(9)).toHaveLength(1);
  });

  it('says what failed in plain words, with the browser message', () => {
    expect(describeFailure(new DOMException('Quota exceeded.', 'QuotaExceededError'), 'x')).toMatch(/^storage is full.*Quota exceeded\./);
    expect(describeFailure(new DOMException('Transaction aborted', 'AbortError'), 'writing')).toBe('storage failed writing: AbortError: Transaction aborted; the node stopped');
    expect(describeFailure(new ReferenceError('indexedDB is not defined'), 'x')).toMatch(/no IndexedDB \(private browsing\?\)/);
    expect(describeFailure(new Error('boom'), 'consensus halted')).toBe('consensus halted: boom');
  });
});

describe('app replay before the handshake', () => {
  it('the handshake brings the app to the stored height when blocks arrive asynchronously (IndexedDB), through a small cache', async () => {
    const sim = new Simulation({ validators: 4, heights: 12, seed: 3, config: { timeoutCommit: 100 }, txsPerHeight: 2 });
    await sim.run();
    const src = sim.nodes[0];
    const top = src.blockStore.height();
    const records = new Map<number, BlockRecord>();
    for (let h = 1; h <= top; h++) {
      const meta = src.blockStore.loadBlockMeta(h)!;
      const parts = PartSet.fromHeader(meta.blockId.partSetHeader);
      for (let i = 0; i < meta.numParts; i++) parts.addPart(src.blockStore.loadBlockPart(h, i)!);
      records.set(h, { blockBytes: parts.toBytes(), seenCommit: src.blockStore.loadSeenCommit(h)! });
    }
    // an asynchronous log and a cache of 4, as IdbBlockStore after a reload of a longer chain
    const open = () => {
      const bs = new WriteThroughBlockStore({ append: async () => undefined, read: async (h) => records.get(h) ?? null }, 1, top, 4);
      const ss = new MemoryStateStore();
      ss.save(src.stateStore.load()!);
      return { bs, ss };
    };
    const s = open();
    const app = new KVStoreApp();
    const state = await handshake(app, sim.genesis, s.bs, s.ss);
    expect(toHex(state.appHash)).toBe(toHex(src.stateStore.load()!.appHash));
    expect(s.bs.cachedHeights().length).toBeLessThanOrEqual(4);
  });
});
