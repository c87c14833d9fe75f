// The contracts of the Scheduler and PeerTransport ports, as plain async checks that throw on a
// breach, so any backend runs them: the simulator's virtual clock and links, real timers, and
// later libp2p (its harness connects two hosts and waits for the network in `settle`).
import type { Scheduler } from './ports.js';
import type { PeerTransport, TransportHandler } from './switch.js';

function assert(ok: unknown, what: string): asserts ok {
  if (!ok) throw new Error(`contract breached: ${what}`);
}

export interface SchedulerHarness {
  scheduler: Scheduler;
  /** Lets `ms` of time pass: fire the due virtual timers, or wait on the real clock. */
  advance(ms: number): Promise<void>;
}

/** Timers fire once, in order of due time (ties in the order set), never early, never once cancelled. */
export async function schedulerContract(h: SchedulerHarness): Promise<void> {
  const fired: string[] = [];
  const s = h.scheduler;
  s.after(60, () => fired.push('c'));
  s.after(20, () => fired.push('a'));
  s.after(20, () => fired.push('b'));
  const cancelled = s.after(30, () => fired.push('cancelled'));
  s.after(-5, () => fired.push('now'));
  cancelled.cancel();
  await h.advance(5);
  assert(fired.join() === 'now', `a negative delay fires at once and nothing else is due yet (fired: ${fired})`);
  await h.advance(35);
  assert(fired.join() === 'now,a,b', `due timers fire in order, ties in the order set, a cancelled one never (fired: ${fired})`);
  s.after(10, () => {
    fired.push('d');
    s.after(10, () => fired.push('e'));
  });
  await h.advance(60);
  assert(['c', 'd'].every((x) => fired.includes(x)), `later timers fire (fired: ${fired})`);
  await h.advance(20);
  assert([...fired].sort().join() === 'a,b,c,d,e,now', `a timer set from inside a callback fires too, each once (fired: ${fired})`);
  cancelled.cancel(); // cancelling twice, or after the time passed, is harmless
  await h.advance(20);
  assert(fired.length === 6, 'nothing fires twice');
}

/** Records what a transport delivers to one side. */
export class RecordingHandler implements TransportHandler {
  readonly connected: string[] = [];
  readonly disconnected: string[] = [];
  /** Why, in the order of `disconnected`. */
  readonly reasons: string[] = [];
  readonly received: { peerId: string; channel: number; bytes: Uint8Array }[] = [];
  peerConnected(peerId: string): void {
    this.connected.push(peerId);
  }
  peerDisconnected(peerId: string, reason: string): void {
    this.disconnected.push(peerId);
    this.reasons.push(reason);
  }
  receive(peerId: string, channel: number, bytes: Uint8Array): void {
    this.received.push({ peerId, channel, bytes: bytes.slice() });
  }
}

export interface TransportHarness {
  /** Two endpoints connected to each other, each delivering to its handler. */
  connect(a: TransportHandler, b: TransportHandler): Promise<{ a: { id: string; transport: PeerTransport }; b: { id: string; transport: PeerTransport } }>;
  /** Lets what is in flight arrive (virtual time, or the network). */
  settle(): Promise<void>;
}

/**
 * Sent bytes arrive once, in order per channel, at the other side's `receive` with the sender's
 * id; sending to an unknown or disconnected peer returns false; a disconnect is heard by both.
 */
export async function peerTransportContract(h: TransportHarness): Promise<void> {
  const ha = new RecordingHandler();
  const hb = new RecordingHandler();
  const { a, b } = await h.connect(ha, hb);
  await h.settle();
  assert(ha.connected.includes(b.id) && hb.connected.includes(a.id), 'both sides hear peerConnected of the other');
  const msgs = Array.from({ length: 20 }, (_, i) => ({ channel: i % 2 ? 0x22 : 0x20, bytes: Uint8Array.of(i, 255 - i, i * 3) }));
  for (const m of msgs) assert(a.transport.send(b.id, m.channel, m.bytes), 'send to a connected peer returns true');
  assert(b.transport.send(a.id, 0x21, Uint8Array.of(42)), 'the other direction works too');
  await h.settle();
  const got = hb.received.filter((r) => r.peerId === a.id);
  assert(got.length === msgs.length, `each message arrives exactly once (${got.length} of ${msgs.length})`);
  for (const ch of [0x20, 0x22]) {
    const sent = msgs.filter((m) => m.channel === ch).map((m) => m.bytes.join('.'));
    const recv = got.filter((r) => r.channel === ch).map((r) => r.bytes.join('.'));
    assert(sent.join() === recv.join(), `channel 0x${ch.toString(16)} delivers in order, bytes intact`);
  }
  assert(ha.received.length === 1 && ha.received[0].peerId === b.id && ha.received[0].channel === 0x21 && ha.received[0].bytes[0] === 42, 'the reply arrives at the sender');
  assert(!a.transport.send('no-such-peer', 0x20, Uint8Array.of(1)), 'send to an unknown peer returns false');
  a.transport.disconnect(b.id, 'contract test');
  await h.settle();
  assert(ha.disconnected.includes(b.id), 'the side that disconnects hears peerDisconnected');
  assert(hb.disconnected.includes(a.id), 'the other side hears peerDisconnected');
  assert(!a.transport.send(b.id, 0x20, Uint8Array.of(1)), 'send to a disconnected peer returns false');
  assert(!b.transport.send(a.id, 0x20, Uint8Array.of(1)), 'and the other way too');
  const before = hb.received.length;
  await h.settle();
  assert(hb.received.length === before, 'nothing arrives after the disconnect');
}
