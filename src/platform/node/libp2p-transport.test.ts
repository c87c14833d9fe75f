// The libp2p transport over real sockets on 127.0.0.1: the PeerTransport contract every backend
// passes, then what only a real network has — oversize and garbage frames, full queues, redial —
// and what the hub needs: peer exchange's Discovery, a PEX mesh, the circuit relay server.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { peerTransportContract, RecordingHandler } from '../../node/port-contracts.js';
import type { TransportHandler } from '../../node/switch.js';
import { CONSENSUS_CHANNELS, PEX_CHANNEL } from '../../node/channel-descriptors.js';
import type { Libp2pTransportOptions } from './libp2p-transport.js';
import { channelProtocol, Libp2pTransport } from './libp2p-transport.js';
import { createLibp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@libp2p/noise';
import { yamux } from '@libp2p/yamux';
import { identify } from '@libp2p/identify';
import { multiaddr } from '@multiformats/multiaddr';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { Switch } from '../../node/switch.js';
import { PexReactor } from '../../node/pex-reactor.js';
import { realTimeScheduler } from '../../node/real-time-scheduler.js';

const running: { stop(): void | Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function transport(handler: TransportHandler, o: Partial<Libp2pTransportOptions> = {}): Promise<Libp2pTransport> {
  const t = await Libp2pTransport.create({ nodeKey: randomBytes(32), listen: ['/ip4/127.0.0.1/tcp/0'], ...o });
  t.setHandler(handler);
  await t.start();
  running.push(t);
  return t;
}

const tcpAddr = (t: Libp2pTransport) => t.listenAddrs().find((a) => !a.includes('/ws'))!;

/** Two transports, b dialled by a, both announced. */
async function pair(ha: TransportHandler, hb: TransportHandler, o: Partial<Libp2pTransportOptions> = {}) {
  const a = await transport(ha, o);
  const b = await transport(hb, o);
  await a.dial(tcpAddr(b));
  await until('both sides announce', () => a.connectedPeers().includes(b.peerId) && b.connectedPeers().includes(a.peerId));
  return { a, b };
}

describe('Libp2pTransport', () => {
  it('passes the PeerTransport contract over loopback TCP', async () => {
    let activity = 0;
    const counting = (h: TransportHandler): TransportHandler => ({
      peerConnected: (p) => (activity++, h.peerConnected(p)),
      peerDisconnected: (p, r) => (activity++, h.peerDisconnected(p, r)),
      receive: (p, c, b) => (activity++, h.receive(p, c, b)),
    });
    await peerTransportContract({
      async connect(ha, hb) {
        const { a, b } = await pair(counting(ha), counting(hb));
        return { a: { id: a.peerId, transport: a }, b: { id: b.peerId, transport: b } };
      },
      // the network is settled once nothing has happened for a while
      async settle() {
        let seen = -1;
        while (seen !== activity) {
          seen = activity;
          await sleep(200);
        }
      },
    });
  });

  it('also connects over WebSockets, and the peer id is the node key’s', async () => {
    const key = randomBytes(32);
    const ha = new RecordingHandler();
    const hb = new RecordingHandler();
    const a = await transport(ha, { listen: ['/ip4/127.0.0.1/tcp/0/ws'] });
    const b = await transport(hb, { nodeKey: key, listen: ['/ip4/127.0.0.1/tcp/0/ws'] });
    expect(b.peerId).toBe(await Libp2pTransport.peerIdOf(key));
    const ws = b.listenAddrs().find((x) => x.includes('/ws'))!;
    expect(ws).toMatch(new RegExp(`/ws/p2p/${b.peerId}$`));
    await a.dial(ws);
    await until('announced', () => hb.connected.includes(a.peerId) && ha.connected.includes(b.peerId));
    expect(a.send(b.peerId, 0x21, Uint8Array.of(7, 8))).toBe(true);
    await until('delivered', () => hb.received.length === 1);
    expect([...hb.received[0].bytes]).toEqual([7, 8]);
  });

  it('a full send queue makes send return false (TrySend), and nothing is lost of what was queued', async () => {
    const ha = new RecordingHandler();
    const hb = new RecordingHandler();
    const { a, b } = await pair(ha, hb);
    const cap = CONSENSUS_CHANNELS.find((c) => c.id === 0x23)!.sendQueueCapacity;
    const results = Array.from({ length: cap + 3 }, (_, i) => a.send(b.peerId, 0x23, Uint8Array.of(i)));
    expect(results).toEqual([...Array(cap).fill(true), false, false, false]);
    expect(a.send(b.peerId, 0x99, Uint8Array.of(1))).toBe(false); // a channel we do not carry
    await until('queued messages arrive', () => hb.received.length === cap);
    // the queue drained: sending works again
    expect(a.send(b.peerId, 0x23, Uint8Array.of(9))).toBe(true);
  });

  it('an oversize frame drops the peer before its body is read', async () => {
    const ha = new RecordingHandler();
    const hb = new RecordingHandler();
    const small = CONSENSUS_CHANNELS.map((c) => ({ ...c, recvMessageCapacity: 1000 }));
    const { a, b } = await pair(ha, hb, { channels: small });
    expect(a.send(b.peerId, 0x20, new Uint8Array(1000))).toBe(true);
    await until('a message at the limit arrives', () => hb.received.length === 1);
    expect(a.send(b.peerId, 0x20, new Uint8Array(1001))).toBe(true);
    await until('both sides drop each other', () => hb.disconnected.includes(a.peerId) && ha.disconnected.includes(b.peerId));
    expect(hb.received.length).toBe(1);
    expect(hb.reasons[0]).toMatch(/frame of 1001 bytes exceeds the channel's 1000/);
    expect(a.connectedPeers()).toEqual([]);
  });

  it('a persistent peer is redialled after it drops, with backoff', async () => {
    const ha = new RecordingHandler();
    const hb = new RecordingHandler();
    const b = await transport(hb);
    const a = await transport(ha, { persistentPeers: [tcpAddr(b)], redial: { initialMs: 50, maxMs: 200 } });
    await until('first connection', () => ha.connected.length === 1 && hb.connected.length === 1);
    b.disconnect(a.peerId, 'testing redial');
    await until('a hears it', () => ha.disconnected.length === 1);
    await until('a redials', () => ha.connected.length === 2 && hb.connected.length === 2);
    expect(a.connectedPeers()).toEqual([b.peerId]);
  });

  it('refuses peers beyond maxPeers', async () => {
    const hub = new RecordingHandler();
    const h = await transport(hub, { maxPeers: 2 });
    const others = await Promise.all([0, 1, 2].map(() => transport(new RecordingHandler())));
    for (const o of others) await o.dial(tcpAddr(h)).catch(() => undefined);
    await sleep(500);
    expect(h.connectedPeers().length).toBe(2);
    expect(hub.connected.length).toBe(2);
  });

  it('a plain libp2p node writing garbage on a channel stream is dropped', async () => {
    const hb = new RecordingHandler();
    const b = await transport(hb);
    const rogue = await createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()], services: { identify: identify() } });
    running.push(rogue);
    // it accepts our channel streams, so we announce it and read what it sends
    await rogue.handle(CONSENSUS_CHANNELS.map((c) => channelProtocol(c.id)), () => undefined);
    const stream = await rogue.dialProtocol(multiaddr(tcpAddr(b)), channelProtocol(0x20));
    // a length varint that never ends
    stream.send(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    await until('the rogue is dropped', () => hb.disconnected.length === 1 && rogue.getConnections().length === 0);
    expect(hb.connected.length).toBe(1);
    expect(hb.received.length).toBe(0);
    expect(hb.reasons[0]).toMatch(/channel 0x20: frame length varint is too long/);
  });

  it('is a Discovery: a peer’s listen addresses from identify while it is connected, and the peer count', async () => {
    const ha = new RecordingHandler();
    const { a, b } = await pair(ha, new RecordingHandler());
    expect(a.selfId).toBe(a.peerId);
    await until('identify', () => a.addrsOf(b.peerId).includes(tcpAddr(b)));
    expect(a.addrsOf(b.peerId).every((x) => x.endsWith(`/p2p/${b.peerId}`))).toBe(true);
    expect(a.connectedCount()).toBe(1);
    b.disconnect(a.peerId, 'bye');
    await until('gone', () => ha.disconnected.length === 1);
    await until('forgotten', () => a.addrsOf(b.peerId).length === 0 && a.connectedCount() === 0);
  });

  it('peer exchange: nodes that only know the hub find each other; one with a max of 2 stays at 2', async () => {
    const channels = [...CONSENSUS_CHANNELS, PEX_CHANNEL];
    const node = async (o: Partial<Libp2pTransportOptions>) => {
      const t = await Libp2pTransport.create({ nodeKey: randomBytes(32), listen: ['/ip4/127.0.0.1/tcp/0'], channels, ...o });
      const sw = new Switch(t);
      const pex = new PexReactor(t, sw, realTimeScheduler, { requestIntervalMs: 300, targetPeers: Math.min(10, o.maxPeers ?? 10) });
      sw.addReactor(pex);
      t.setHandler(sw);
      await t.start();
      pex.start();
      running.push({ stop: () => (pex.stop(), t.stop()) });
      return t;
    };
    const hub = await node({});
    const bootstrap = { persistentPeers: [tcpAddr(hub)], redial: { initialMs: 100, maxMs: 300 } };
    const others: Libp2pTransport[] = [];
    for (let i = 0; i < 4; i++) others.push(await node(bootstrap));
    // each of the four learns the others from the hub (or from each other) and dials them
    await until('every node connected to the three others', () => others.every((o) => others.every((p) => p === o || o.connectedPeers().includes(p.peerId))), 15_000);
    const small = await node({ ...bootstrap, maxPeers: 2 });
    await until('the small node has two peers', () => small.connectedPeers().length === 2);
    // told of four more, dialled by them perhaps: it never holds more than its max
    for (let i = 0; i < 20; i++) {
      await sleep(100);
      expect(small.connectedCount()).toBeLessThanOrEqual(2);
    }
  });

  it('serves circuit relay v2 when asked: a client reserves a slot and listens on a /p2p-circuit address', async () => {
    const hub = await transport(new RecordingHandler(), { relayServer: true });
    const client = await createLibp2p({
      addresses: { listen: ['/p2p-circuit'] },
      transports: [tcp(), circuitRelayTransport()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() },
    });
    running.push(client);
    await client.dial(multiaddr(tcpAddr(hub)));
    await until('a reservation', () => client.getMultiaddrs().some((a) => a.toString().startsWith(`${tcpAddr(hub)}/p2p-circuit/p2p/${client.peerId}`)));
    // a relay client is not a peer: it speaks none of our channels
    expect(hub.connectedPeers()).toEqual([]);
  });
});
