// Four validators, each assembled by createNode with its own libp2p transport on loopback TCP,
// gossiping through their consensus reactors over a full mesh of real connections: they commit,
// they agree block for block, and a peer that sends garbage — undecodable bytes, or a frame over
// the limit — on any channel the node carries is dropped while the chain goes on.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLibp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@libp2p/noise';
import { yamux } from '@libp2p/yamux';
import { identify } from '@libp2p/identify';
import { multiaddr } from '@multiformats/multiaddr';
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
import { NODE_CHANNELS } from '../../node/channel-descriptors.js';
import { validatorTx } from '../../core/app/kvstore.js';
import { BlockIDFlag } from '../../core/types.js';
import { bytesEqual } from '../../core/bytes.js';
import { createKeySigner, createVerifier } from '../shared/webcrypto-verifier.js';
import { channelProtocol, Libp2pTransport } from './libp2p-transport.js';

const N = 4;
/**
 * The channels every node here carries, as `prevote node` does, each with a reactor behind it.
 * The garbage tests go through this list, so every channel is covered.
 */
const CHANNELS = NODE_CHANNELS;
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
  /** Garbage peers, stopped at the end whatever happened. */
  const rogues: { stop(): void | Promise<void> }[] = [];
  let startedAt = 0;
  /** A fifth node with a validator key that is not in the genesis (the validator-update test). */
  let newcomer: LiveNode;

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
    // a node as `prevote node` assembles one: block sync and peer exchange included
    const assemble = async (name: string, nodeKey: Uint8Array, validatorSeed: Uint8Array, i: number): Promise<LiveNode> => {
      // the node key (libp2p identity) is not the validator key, as in CometBFT
      const transport = await Libp2pTransport.create({ nodeKey, listen: ['/ip4/127.0.0.1/tcp/0'], channels: CHANNELS });
      const privValidator = new LocalPrivValidator(await createKeySigner(validatorSeed), new MemoryPrivValidatorStateStore());
      await privValidator.load();
      const blockStore = new MemoryBlockStore();
      const assembled = await createNode({
        name,
        genesis,
        config,
        privValidator,
        stores: { wal: new MemoryWAL(), blockStore, stateStore: new MemoryStateStore() },
        app: new KVStoreApp(),
        clock: realTimeScheduler,
        scheduler: realTimeScheduler,
        verifier: new SignatureCache(verifier),
        network: { transport, randInt: (n) => Math.floor(Math.random() * n), blockSync: {}, pex: { discovery: transport } },
      });
      const sw = assembled.sw!;
      transport.setHandler({
        peerConnected: (p) => sw.peerConnected(p),
        peerDisconnected: (p, reason) => (drops.push({ node: i, peerId: p, reason }), sw.peerDisconnected(p, reason)),
        receive: (p, c, b) => sw.receive(p, c, b),
      });
      await transport.start();
      return { ...assembled, transport, blockStore };
    };
    for (let i = 0; i < N; i++) nodes.push(await assemble(`v${i}`, seedOf('node', i), validatorSeeds[i], i));
    newcomer = await assemble('newcomer', seedOf('node', N), seedOf('validator', N), N);
    startedAt = Date.now();
    for (const n of nodes) await n.start();
    // full mesh: each node dials the ones before it
    for (let j = 1; j < N; j++) for (let i = 0; i < j; i++) await nodes[j].transport.dial(nodes[i].transport.listenAddrs()[0]);
    await until('a full mesh', () => nodes.every((n) => n.sw!.peers().length === N - 1), 10_000);
  });

  afterAll(async () => {
    for (const n of [...nodes, newcomer]) n.stop();
    await Promise.all([...[...nodes, newcomer].map((n) => n.transport.stop()), ...rogues.map((r) => r.stop())]);
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

  /** A fresh garbage peer: its own transport and key, and no listen address for peer exchange to hand on. */
  async function rogueTransport(): Promise<{ rogue: Libp2pTransport; seen: RecordingHandler }> {
    const seen = new RecordingHandler();
    const rogue = await Libp2pTransport.create({ nodeKey: randomBytes(32), listen: [], channels: CHANNELS });
    rogue.setHandler(seen);
    await rogue.start();
    rogues.push(rogue);
    return { rogue, seen };
  }

  const hex = (id: number) => `0x${id.toString(16).padStart(2, '0')}`;
  /** `channel 0x00` or `channel 0x0` (peer exchange pads the id, the transport does not), then `:`. */
  const onChannel = (id: number) => `channel 0x0*${id.toString(16)}:`;

  it('a fresh peer sending garbage on each channel is dropped by the node it reached; the four go on', async () => {
    const from = height();
    for (const [k, channel] of CHANNELS.entries()) {
      const at = k % N; // spread the garbage over the validators
      const honest = nodes[at].transport;
      const { rogue, seen } = await rogueTransport();
      await rogue.dial(honest.listenAddrs()[0]);
      await until(`v${at} takes the rogue of ${hex(channel.id)} as a peer`, () => nodes[at].sw!.peers().includes(rogue.peerId), 10_000);
      // well framed, but no channel's message: a protobuf tag varint that never ends
      expect(rogue.send(honest.peerId, channel.id, Uint8Array.of(0xde, 0xad, 0xbe, 0xef))).toBe(true);
      await until(`v${at} drops the rogue of ${hex(channel.id)}`, () => seen.disconnected.includes(honest.peerId), 10_000);
      expect(nodes[at].sw!.peers()).not.toContain(rogue.peerId);
      expect(drops.filter((d) => d.peerId === rogue.peerId)).toEqual([{ node: at, peerId: rogue.peerId, reason: expect.stringMatching(new RegExp(`^malformed message on ${onChannel(channel.id)}`)) }]);
      await rogue.stop();
    }
    await stillGoing(from);
  });

  it('a frame longer than the channel allows drops the peer on its length alone, on each channel', async () => {
    const from = height();
    for (const [k, channel] of CHANNELS.entries()) {
      const at = k % N;
      const honest = nodes[at].transport;
      // a plain libp2p node, to write a frame header that Libp2pTransport.send would never make
      const raw = await createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()], services: { identify: identify() } });
      rogues.push(raw);
      await raw.handle(CHANNELS.map((c) => channelProtocol(c.id)), () => undefined); // it speaks our channels: a peer
      const stream = await raw.dialProtocol(multiaddr(honest.listenAddrs()[0]), channelProtocol(channel.id));
      const rawId = raw.peerId.toString();
      await until(`v${at} takes the raw peer of ${hex(channel.id)} as a peer`, () => nodes[at].sw!.peers().includes(rawId), 10_000);
      // only the length, one byte over the limit, and no body: a reader that allocated the frame
      // and waited for its bytes would never drop us; the decoder refuses it on the varint
      const size = channel.recvMessageCapacity + 1;
      stream.send(varint(size));
      await until(`v${at} drops the raw peer of ${hex(channel.id)}`, () => !nodes[at].sw!.peers().includes(rawId) && raw.getConnections().length === 0, 10_000);
      expect(drops.filter((d) => d.peerId === rawId)).toEqual([
        { node: at, peerId: rawId, reason: expect.stringMatching(new RegExp(`^${onChannel(channel.id)} frame of ${size} bytes exceeds the channel's ${channel.recvMessageCapacity}`)) },
      ]);
      await raw.stop();
    }
    await stillGoing(from);
  });

  /** Heights advance past `from`, the validators agree on every block and still hold each other as peers. */
  async function stillGoing(from: number): Promise<void> {
    await until('two more heights', () => height() >= from + 2, 20_000);
    for (let h = 1; h <= height(); h++) {
      expect(new Set(nodes.map((n) => toHex(n.blockStore.loadBlockMeta(h)!.blockId.hash))).size, `height ${h}`).toBe(1);
    }
    const validators = new Set(nodes.map((n) => n.transport.peerId));
    for (const n of nodes) expect(n.sw!.peers().filter((p) => validators.has(p)).length).toBe(N - 1);
    expect(drops.filter((d) => validators.has(d.peerId))).toEqual([]);
  }

  it('a validator-update tx travels through the mempool like any other: the newcomer signs from H+2', async () => {
    await newcomer.start();
    await newcomer.transport.dial(nodes[0].transport.listenAddrs()[0]);
    await until('the newcomer follows the chain', () => newcomer.blockStore.height() > 0 && newcomer.blockStore.height() >= height() - 1, 30_000);
    const pubKey = publicKeyFromSeed(seedOf('validator', N));
    const address = addressFromPubKey(pubKey);
    const tx = validatorTx(pubKey, 10n);
    // submitted at the newcomer; its mempool reactor gossips it to the validators, who propose it
    expect(newcomer.node.submitTx(tx)).toBeNull();
    const store = nodes[0].blockStore;
    const heightOfTx = () => {
      for (let h = 1; h <= store.height(); h++) if (store.loadBlock(h)!.data.txs.some((t) => bytesEqual(t, tx))) return h;
      return 0;
    };
    await until('the tx in a block', () => heightOfTx() > 0, 30_000);
    const h = heightOfTx();
    // in force from h+2: the LastCommit of a block after that carries the newcomer's precommit
    const signed = (b: number) => !!store.loadBlock(b)?.lastCommit?.signatures.some((sig) => sig.blockIdFlag === BlockIDFlag.Commit && bytesEqual(sig.validatorAddress, address));
    await until('a block carrying the newcomer’s precommit', () => {
      for (let b = h + 3; b <= store.height(); b++) if (signed(b)) return true;
      return false;
    }, 30_000);
    for (let b = 2; b <= h + 2; b++) expect(signed(b), `block ${b}`).toBe(false);
    expect(nodes[0].node.getState().validators.getByAddress(address)?.validator.votingPower).toBe(10n);
    console.log(`validator update committed at height ${h}; the newcomer's precommits are in the chain from height ${h + 2}`);
  });
});

/** An unsigned varint (a frame's length prefix). */
function varint(n: number): Uint8Array {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return Uint8Array.from(out);
}
