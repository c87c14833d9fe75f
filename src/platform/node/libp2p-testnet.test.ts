// Four validators, each assembled by createNode with its own libp2p transport on loopback TCP,
// gossiping through their consensus reactors over a full mesh of real connections: they commit,
// they agree block for block, and a peer that sends garbage is dropped while the chain goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONSENSUS_CONFIG } from '../../core/consensus/config.js';
import type { GenesisDoc } from '../../core/state/genesis.js';
import { KVStoreApp } from '../../core/app/kvstore.js';
import { sha256 } from '../../core/crypto/sha256.js';
import { publicKeyFromSeed } from '../../core/crypto/ed25519.js';
import { addressFromPubKey } from '../../core/crypto/address.js';
import { toHex, utf8 } from '../../core/bytes.js';
import { createNode } from '../../node/create-node.js';
import type { AssembledNode } from '../../node/create-node.js';
import { MemoryBlockStore, MemoryStateStore, MemoryWAL } from '../../node/memory-stores.js';
import { LocalPrivValidator, MemoryPrivValidatorStateStore } from '../../node/priv-validator.js';
import { realTimeScheduler } from '../../node/real-time-scheduler.js';
import { SignatureCache } from '../../node/signature-cache.js';
import { RecordingHandler } from '../../node/port-contracts.js';
import { createKeySigner, createVerifier } from '../shared/webcrypto-verifier.js';
import { Libp2pTransport } from './libp2p-transport.js';

const N = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seedOf = (what: string, i: number) => sha256(utf8(`prevote-libp2p-test/${what}/${i}`));

interface LiveNode extends AssembledNode {
  transport: Libp2pTransport;
  blockStore: MemoryBlockStore;
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

describe('four validators over libp2p on loopback', () => {
  const nodes: LiveNode[] = [];
  /** Why each node dropped each peer, as its switch heard it. */
  const drops: { node: number; peerId: string; reason: string }[] = [];
  let rogue: Libp2pTransport | null = null;
  let startedAt = 0;

  beforeAll(async () => {
    const validatorSeeds = Array.from({ length: N }, (_, i) => seedOf('validator', i));
    const genesis: GenesisDoc = {
      genesisTime: { seconds: Math.floor(Date.now() / 1000), nanos: 0 },
      chainId: 'prevote-libp2p-test',
      initialHeight: 1,
      consensusParams: { blockMaxBytes: 4194304, blockMaxGas: -1 },
      validators: validatorSeeds.map((s, i) => {
        const pubKey = publicKeyFromSeed(s);
        return { address: addressFromPubKey(pubKey), pubKey, power: 10n, name: `v${i}` };
      }),
      appHash: new Uint8Array(0),
      appState: null,
    };
    const config = { ...DEFAULT_CONSENSUS_CONFIG, timeoutPropose: 1000, timeoutPrevote: 300, timeoutPrecommit: 300, timeoutCommit: 100 };
    const verifier = await createVerifier();
    for (let i = 0; i < N; i++) {
      // the node key (libp2p identity) is not the validator key, as in CometBFT
      const transport = await Libp2pTransport.create({ nodeKey: seedOf('node', i), listen: ['/ip4/127.0.0.1/tcp/0'] });
      const privValidator = new LocalPrivValidator(await createKeySigner(validatorSeeds[i]), new MemoryPrivValidatorStateStore());
      await privValidator.load();
      const blockStore = new MemoryBlockStore();
      const assembled = await createNode({
        name: `v${i}`,
        genesis,
        config,
        privValidator,
        stores: { wal: new MemoryWAL(), blockStore, stateStore: new MemoryStateStore() },
        app: new KVStoreApp(),
        clock: realTimeScheduler,
        scheduler: realTimeScheduler,
        verifier: new SignatureCache(verifier),
        network: { transport, randInt: (n) => Math.floor(Math.random() * n) },
      });
      const sw = assembled.sw!;
      transport.setHandler({
        peerConnected: (p) => sw.peerConnected(p),
        peerDisconnected: (p, reason) => (drops.push({ node: i, peerId: p, reason }), sw.peerDisconnected(p, reason)),
        receive: (p, c, b) => sw.receive(p, c, b),
      });
      await transport.start();
      nodes.push({ ...assembled, transport, blockStore });
    }
    startedAt = Date.now();
    for (const n of nodes) await n.node.start();
    // full mesh: each node dials the ones before it
    for (let j = 1; j < N; j++) for (let i = 0; i < j; i++) await nodes[j].transport.dial(nodes[i].transport.listenAddrs()[0]);
    await until('a full mesh', () => nodes.every((n) => n.sw!.peers().length === N - 1), 10_000);
  });

  afterAll(async () => {
    for (const n of nodes) {
      n.node.stop();
      n.reactor?.stop();
    }
    await Promise.all([...nodes.map((n) => n.transport.stop()), rogue?.stop()]);
  });

  const height = () => Math.min(...nodes.map((n) => n.blockStore.height()));

  it('commit five heights within 30 s, every node storing the same blocks', async () => {
    await until('a first height on every node', () => height() >= 1, 30_000);
    const first = Date.now();
    await until('five heights on every node', () => height() >= 5, 30_000 - (first - startedAt));
    const secs = (Date.now() - startedAt) / 1000;
    const steady = (height() - 1) / ((Date.now() - first) / 1000);
    console.log(`libp2p loopback, ${N} validators: ${height()} heights in ${secs.toFixed(1)} s from start; ${steady.toFixed(1)} heights/s after the first`);
    for (let h = 1; h <= 5; h++) {
      const ids = nodes.map((n) => toHex(n.blockStore.loadBlockMeta(h)!.blockId.hash));
      expect(new Set(ids).size, `height ${h}`).toBe(1);
    }
  });

  it('a peer sending garbage on a channel is dropped by the consensus reactor; the others go on', async () => {
    const seen = new RecordingHandler();
    rogue = await Libp2pTransport.create({ nodeKey: seedOf('rogue', 0), listen: ['/ip4/127.0.0.1/tcp/0'] });
    rogue.setHandler(seen);
    await rogue.start();
    await rogue.dial(nodes[0].transport.listenAddrs()[0]);
    await until('v0 takes the rogue as a peer', () => nodes[0].sw!.peers().includes(rogue!.peerId), 10_000);
    // well framed, but not a consensus message: the reactor's decoder refuses it
    expect(rogue.send(nodes[0].transport.peerId, 0x22, Uint8Array.of(0xde, 0xad, 0xbe, 0xef))).toBe(true);
    await until('the rogue is dropped', () => seen.disconnected.includes(nodes[0].transport.peerId), 10_000);
    expect(nodes[0].sw!.peers()).not.toContain(rogue.peerId);
    expect(drops).toEqual([{ node: 0, peerId: rogue.peerId, reason: expect.stringMatching(/^malformed message on channel 0x22/) }]);
    expect(nodes[0].sw!.peers().length).toBe(N - 1);
    const from = height();
    await until('two more heights', () => height() >= from + 2, 20_000);
    for (let h = 1; h <= height(); h++) {
      expect(new Set(nodes.map((n) => toHex(n.blockStore.loadBlockMeta(h)!.blockId.hash))).size, `height ${h}`).toBe(1);
    }
  });
});
