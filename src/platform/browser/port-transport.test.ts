// The transport bridge (port-transport.ts in the worker, page-bridge.ts on the page) over a real
// MessageChannel, with a fake page transport in place of libp2p: the PeerTransport contract
// through two bridges, bytes both ways per channel, peers with their addresses, credit-based
// backpressure, dial forwarding, and no sends to a peer that is gone.
import { afterEach, describe, expect, it } from 'vitest';
import type { TransportHandler } from '../../node/switch.js';
import type { ChannelDescriptor } from '../../node/channel-descriptors.js';
import { peerTransportContract, RecordingHandler } from '../../node/port-contracts.js';
import type { TransportObserver } from '../shared/libp2p-transport.js';
import type { BridgedTransport } from './page-bridge.js';
import { bridge } from './page-bridge.js';
import { PortTransport } from './port-transport.js';

const CHANNELS: ChannelDescriptor[] = [
  { id: 0x20, priority: 1, sendQueueCapacity: 100, recvMessageCapacity: 1000 },
  { id: 0x21, priority: 1, sendQueueCapacity: 100, recvMessageCapacity: 1000 },
  { id: 0x22, priority: 1, sendQueueCapacity: 100, recvMessageCapacity: 1000 },
  { id: 0x23, priority: 1, sendQueueCapacity: 2, recvMessageCapacity: 1000 },
];

/** A page transport without a network: peers appear when told, queues drain when told (or at once). */
class FakePage implements BridgedTransport {
  readonly channels = CHANNELS;
  handler: TransportHandler | null = null;
  private readonly observers = new Set<TransportObserver>();
  readonly peers = new Map<string, { addrs: string[]; queues: Map<number, Uint8Array[]> }>();
  /** frames that left a queue, in order */
  readonly wire: { peer: string; channel: number; bytes: Uint8Array }[] = [];
  readonly dials: string[] = [];
  readonly disconnects: { peer: string; reason: string }[] = [];
  autoDrain = true;
  /** where drained frames go (another FakePage, for the contract) */
  onWire: (peer: string, channel: number, bytes: Uint8Array) => void = () => undefined;
  dialAnswer: (addr: string) => Promise<void> = async () => undefined;

  setHandler(h: TransportHandler): void {
    this.handler = h;
  }
  observe(o: TransportObserver): () => void {
    this.observers.add(o);
    return () => this.observers.delete(o);
  }
  connect(peer: string, addrs: string[] = []): void {
    this.peers.set(peer, { addrs, queues: new Map(CHANNELS.map((c) => [c.id, []])) });
    this.handler!.peerConnected(peer);
  }
  drop(peer: string, reason: string): void {
    if (this.peers.delete(peer)) this.handler!.peerDisconnected(peer, reason);
  }
  deliver(peer: string, channel: number, bytes: Uint8Array): void {
    this.handler!.receive(peer, channel, bytes);
  }
  setAddrs(peer: string, addrs: string[]): void {
    this.peers.get(peer)!.addrs = addrs;
    for (const o of this.observers) o.addrsChanged?.(peer, addrs);
  }
  send(peer: string, channel: number, bytes: Uint8Array): boolean {
    const q = this.peers.get(peer)?.queues.get(channel);
    if (!q || q.length >= CHANNELS.find((c) => c.id === channel)!.sendQueueCapacity) return false;
    q.push(bytes);
    if (this.autoDrain) queueMicrotask(() => this.drain(peer, channel));
    return true;
  }
  /** Lets up to `n` frames of a queue go to the wire. */
  drain(peer: string, channel: number, n = Infinity): void {
    const q = this.peers.get(peer)?.queues.get(channel);
    while (q && q.length > 0 && n-- > 0) {
      const bytes = q.shift()!;
      this.wire.push({ peer, channel, bytes });
      for (const o of this.observers) o.frameSent?.(peer, channel);
      this.onWire(peer, channel, bytes);
    }
  }
  disconnect(peer: string, reason: string): void {
    this.disconnects.push({ peer, reason });
    this.drop(peer, reason);
  }
  dial(addr: string): Promise<void> {
    this.dials.push(addr);
    return this.dialAnswer(addr);
  }
  addrsOf(peer: string): string[] {
    return [...(this.peers.get(peer)?.addrs ?? [])];
  }
}

const open: { close(): void }[] = [];
afterEach(() => {
  for (const x of open.splice(0)) x.close();
});

/** A worker PortTransport joined to a FakePage over a real MessageChannel. */
function bridged(selfId: string, handler: TransportHandler = new RecordingHandler()) {
  const { port1, port2 } = new MessageChannel();
  const page = new FakePage();
  const unbridge = bridge(page, port1);
  const worker = new PortTransport(port2, selfId);
  worker.setHandler(handler);
  open.push({ close: unbridge }, worker);
  return { page, worker };
}

/** Lets both ends' messages cross (a message round trip is a macrotask or two). */
const settle = async (rounds = 4) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
};

describe('the transport bridge', () => {
  it('passes the PeerTransport contract between two worker transports through two bridges', async () => {
    await peerTransportContract({
      async connect(ha, hb) {
        const a = bridged('A', ha);
        const b = bridged('B', hb);
        // the two fake pages are one network: what leaves A's queue for B arrives at B from A
        a.page.onWire = (peer, channel, bytes) => peer === 'B' && b.page.peers.has('A') && b.page.deliver('A', channel, bytes);
        b.page.onWire = (peer, channel, bytes) => peer === 'A' && a.page.peers.has('B') && a.page.deliver('B', channel, bytes);
        const hangUp = (from: FakePage, to: FakePage, them: string, us: string) => {
          const own = from.disconnect.bind(from);
          from.disconnect = (peer, reason) => {
            own(peer, reason);
            if (peer === them) to.drop(us, reason);
          };
        };
        hangUp(a.page, b.page, 'B', 'A');
        hangUp(b.page, a.page, 'A', 'B');
        a.page.connect('B');
        b.page.connect('A');
        await settle();
        return { a: { id: 'A', transport: a.worker }, b: { id: 'B', transport: b.worker } };
      },
      settle: () => settle(6),
    });
  });

  it('carries bytes both ways per channel, peers with their addresses, and moves received buffers', async () => {
    const h = new RecordingHandler();
    const { page, worker } = bridged('W', h);
    page.connect('P', ['/ip4/1.2.3.4/tcp/1/ws/p2p/P']);
    await settle();
    expect(h.connected).toEqual(['P']);
    expect(worker.addrsOf('P')).toEqual(['/ip4/1.2.3.4/tcp/1/ws/p2p/P']);
    expect(worker.connectedCount()).toBe(1);

    expect(worker.send('P', 0x20, Uint8Array.of(1, 2))).toBe(true);
    expect(worker.send('P', 0x22, Uint8Array.of(3))).toBe(true);
    // a view into a larger buffer goes as just its bytes
    const big = new Uint8Array(1000).fill(9);
    expect(worker.send('P', 0x21, big.subarray(10, 13))).toBe(true);
    await settle();
    expect(page.wire.map((w) => [w.channel, [...w.bytes]])).toEqual([
      [0x20, [1, 2]],
      [0x22, [3]],
      [0x21, [9, 9, 9]],
    ]);
    expect(page.wire[2].bytes.buffer.byteLength).toBe(3);
    expect(big[10]).toBe(9); // the worker's own buffer is untouched

    const frame = Uint8Array.of(7, 7, 7);
    page.deliver('P', 0x21, frame);
    page.deliver('P', 0x20, Uint8Array.of(8));
    await settle();
    expect(frame.byteLength).toBe(0); // transferred with the batch, not copied
    expect(h.received.map((r) => [r.peerId, r.channel, [...r.bytes]])).toEqual([
      ['P', 0x21, [7, 7, 7]],
      ['P', 0x20, [8]],
    ]);

    page.setAddrs('P', ['/ip4/5.6.7.8/tcp/2/ws/p2p/P']);
    await settle();
    expect(worker.addrsOf('P')).toEqual(['/ip4/5.6.7.8/tcp/2/ws/p2p/P']);

    page.drop('P', 'connection closed');
    await settle();
    expect(h.disconnected).toEqual(['P']);
    expect(h.reasons).toEqual(['connection closed']);
    expect(worker.addrsOf('P')).toEqual([]);
    expect(worker.connectedCount()).toBe(0);
  });

  it('send is false once the page queue’s credit is spent, and true again as the page drains it', async () => {
    const { page, worker } = bridged('W');
    page.autoDrain = false;
    page.connect('P');
    await settle();
    // VoteSetBits holds 2 messages
    expect([1, 2, 3].map((i) => worker.send('P', 0x23, Uint8Array.of(i)))).toEqual([true, true, false]);
    expect(worker.send('P', 0x99, Uint8Array.of(1))).toBe(false); // a channel the page does not carry
    await settle();
    expect(worker.send('P', 0x23, Uint8Array.of(4))).toBe(false); // arriving at the page gives nothing back
    expect(worker.send('P', 0x20, Uint8Array.of(5))).toBe(true); // other channels have their own credit
    page.drain('P', 0x23, 1);
    await settle();
    expect(worker.send('P', 0x23, Uint8Array.of(6))).toBe(true);
    expect(worker.send('P', 0x23, Uint8Array.of(7))).toBe(false);
    // many frames leaving at once give their credit back in one op
    for (let i = 0; i < 100; i++) expect(worker.send('P', 0x20, Uint8Array.of(i))).toBe(i < 99);
    await settle();
    page.drain('P', 0x20);
    await settle();
    expect([...Array(100)].every((_, i) => worker.send('P', 0x20, Uint8Array.of(i)))).toBe(true);
    expect(worker.send('P', 0x20, Uint8Array.of(0))).toBe(false);
    // never more in the page's queue than it holds
    expect(page.peers.get('P')!.queues.get(0x23)!.length).toBe(2);
  });

  it('forwards dials to the page and answers with its result', async () => {
    const { page, worker } = bridged('W');
    page.dialAnswer = async (addr) => {
      if (addr.includes('/bad/')) throw new Error('no transport for it');
    };
    await expect(worker.dial('/ip4/1.1.1.1/tcp/1/ws/p2p/Q')).resolves.toBeUndefined();
    await expect(worker.dial('/bad/p2p/R')).rejects.toThrow('no transport for it');
    expect(page.dials).toEqual(['/ip4/1.1.1.1/tcp/1/ws/p2p/Q', '/bad/p2p/R']);
    const pending = worker.dial('/ip4/1.1.1.1/tcp/2/ws/p2p/S');
    page.dialAnswer = () => new Promise(() => undefined);
    worker.close();
    await expect(pending).rejects.toThrow(/closed/);
  });

  it('a peer that is gone takes no sends: dropped by the page, by the worker, or replaced by a new connection', async () => {
    const h = new RecordingHandler();
    const { page, worker } = bridged('W', h);
    page.connect('P');
    await settle();
    page.drop('P', 'reset');
    await settle();
    expect(worker.send('P', 0x20, Uint8Array.of(1))).toBe(false);

    page.connect('P');
    await settle();
    expect(worker.send('P', 0x20, Uint8Array.of(2))).toBe(true);
    worker.disconnect('P', 'bad message');
    expect(h.disconnected).toEqual(['P', 'P']); // heard at once, as the Switch expects
    expect(worker.send('P', 0x20, Uint8Array.of(3))).toBe(false);
    await settle();
    expect(page.disconnects).toEqual([{ peer: 'P', reason: 'bad message' }]);
    expect(h.disconnected.length).toBe(2); // the page's echo of it is not heard twice

    // a send in flight when the peer dropped and came back is not delivered to the new connection
    page.connect('P');
    await settle();
    const wireBefore = page.wire.length;
    page.autoDrain = true;
    expect(worker.send('P', 0x21, Uint8Array.of(4))).toBe(true);
    page.drop('P', 'flap');
    page.connect('P');
    await settle();
    expect(page.wire.length).toBe(wireBefore);
    expect(h.connected.length).toBe(4);
    expect(worker.send('P', 0x21, Uint8Array.of(5))).toBe(true);
    await settle();
    expect(page.wire.slice(wireBefore).map((w) => [...w.bytes])).toEqual([[5]]);
  });

  it('keeps what the page says before the worker has a handler', async () => {
    const { port1, port2 } = new MessageChannel();
    const page = new FakePage();
    open.push({ close: bridge(page, port1) });
    page.connect('P', ['/a/p2p/P']);
    page.deliver('P', 0x20, Uint8Array.of(1));
    await settle();
    const worker = new PortTransport(port2, 'W');
    open.push(worker);
    await settle();
    const h = new RecordingHandler();
    worker.setHandler(h);
    expect(h.connected).toEqual(['P']);
    expect(h.received.map((r) => [...r.bytes])).toEqual([[1]]);
  });
});
