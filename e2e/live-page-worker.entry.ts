// A stand-in for the live node's worker (live.worker.ts) in page-transport.spec.ts: it speaks the
// page↔worker protocol (identity from a fresh node key) and runs, behind the bridge's
// PortTransport, a Switch with peer exchange and a reactor that counts what arrives on 0x30 and
// echoes 0x40 — no
// engine, no storage. It reports with a `test` message the real worker never sends.
/// <reference lib="webworker" />
import type { PageToWorker } from '../src/platform/browser/live-protocol.js';
import { PortTransport } from '../src/platform/browser/port-transport.js';
import { NODE_CHANNELS } from '../src/node/channel-descriptors.js';
import { peerIdOfNodeKey } from '../src/platform/shared/libp2p-transport.js';
import { Switch } from '../src/node/switch.js';
import type { Reactor } from '../src/node/switch.js';
import { PEX_CHANNEL_ID, PexReactor } from '../src/node/pex-reactor.js';
import { realTimeScheduler } from '../src/node/real-time-scheduler.js';

/** What the stand-in reports, four times a second. */
export interface StandInReport {
  type: 'test';
  peerId: string;
  switchPeers: string[];
  known: string[];
  chatter: Record<string, number>;
  /** each dial peer exchange asked for, with its outcome and ms since init */
  dials: string[];
  /** worker-to-worker round trips measured by `rtt`, in ms */
  roundTrips: number[];
}

/** The stand-in's own commands: send `n` messages on 0x30 to `peer`, or time `n` round trips to it on 0x40. */
export interface ChatterCommand {
  type: 'chatter' | 'rtt';
  peer: string;
  n: number;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
const MEMPOOL = 0x30;
/** echo requests (first byte 0) and answers (1), on the block sync channel, which queues plenty */
const ECHO = 0x40;
const roundTrips: number[] = [];
let answered: (() => void) | null = null;
const chatter: Record<string, number> = {};
const dials: string[] = [];
let sw: Switch | null = null;

const sink: Reactor = {
  channels: NODE_CHANNELS.map((c) => c.id).filter((id) => id !== PEX_CHANNEL_ID),
  addPeer: () => undefined,
  removePeer: () => undefined,
  receive(channel, peer, bytes) {
    if (channel === MEMPOOL) chatter[peer] = (chatter[peer] ?? 0) + 1;
    if (channel === ECHO && bytes[0] === 0) sw?.send(peer, ECHO, Uint8Array.of(1, ...bytes.subarray(1)));
    if (channel === ECHO && bytes[0] === 1) answered?.();
  },
};

async function init(bridgePort: MessagePort): Promise<void> {
  const nodeKey = crypto.getRandomValues(new Uint8Array(32));
  const peerId = await peerIdOfNodeKey(nodeKey);
  scope.postMessage({ type: 'identity', nodeKey, peerId });
  // as the real worker does: the transport comes a little later than the identity
  await new Promise((r) => setTimeout(r, 50));
  const transport = new PortTransport(bridgePort, peerId);
  const t0 = performance.now();
  const dial = transport.dial.bind(transport);
  transport.dial = (addr) =>
    dial(addr).then(
      () => void dials.push(`${(performance.now() - t0).toFixed(0)} ms ok ${addr}`),
      (e: Error) => {
        dials.push(`${(performance.now() - t0).toFixed(0)} ms failed ${addr}: ${e.message}`);
        throw e;
      },
    );
  const s = (sw = new Switch(transport));
  const pex = new PexReactor(transport, s, realTimeScheduler, { requestIntervalMs: 1000, maxRequestIntervalMs: 2000 });
  s.addReactor(pex);
  s.addReactor(sink);
  transport.setHandler(s);
  pex.start();
  setInterval(() => {
    const report: StandInReport = { type: 'test', peerId, switchPeers: s.peers(), known: pex.known(), chatter: { ...chatter }, dials: [...dials], roundTrips: [...roundTrips] };
    scope.postMessage(report);
  }, 250);
}

async function send(peer: string, n: number): Promise<void> {
  for (let sent = 0; sent < n; ) {
    if (sw?.send(peer, MEMPOOL, new Uint8Array(100).fill(sent & 0xff))) sent++;
    else await new Promise((r) => setTimeout(r, 0));
  }
}

async function time(peer: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      answered = resolve;
      sw?.send(peer, ECHO, new Uint8Array(64));
    });
    roundTrips.push(performance.now() - t0);
  }
}

scope.onmessage = (e: MessageEvent<PageToWorker | ChatterCommand>) => {
  const m = e.data;
  if (m.type === 'init') void init(m.bridge);
  else if (m.type === 'chatter') void send(m.peer, m.n);
  else if (m.type === 'rtt') void time(m.peer, m.n);
};
