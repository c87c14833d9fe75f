// Browser side of page-transport.spec.ts: a page transport (libp2p on the page) with a Switch, peer
// exchange and a reactor that counts what arrives on the other channels; the spec drives it.
import { createPageTransport } from '../src/platform/browser/page-transport.js';
import type { PageTransport } from '../src/platform/browser/page-transport.js';
import { NODE_CHANNELS } from '../src/node/channel-descriptors.js';
import { Switch } from '../src/node/switch.js';
import type { Reactor } from '../src/node/switch.js';
import { PEX_CHANNEL_ID, PexReactor } from '../src/node/pex-reactor.js';
import { realTimeScheduler } from '../src/node/real-time-scheduler.js';
import type { PeerStat } from '../src/platform/browser/live-protocol.js';

export interface PeerState {
  peerId: string;
  switchPeers: string[];
  known: string[];
  webrtcAddrs: string[];
  stats: PeerStat[];
  /** messages received on channel 0x30, by sender */
  chatter: Record<string, number>;
  connections: Record<string, { remoteAddr: string; limited: boolean }[]>;
  /** ms from start: hub announced, first relayed WebRTC address, first other page announced */
  timings: Record<string, number>;
}

declare global {
  interface Window {
    startPeer(hubAddr: string): Promise<string>;
    peerState(): PeerState;
    /** Sends `n` messages of `size` bytes on channel 0x30 to `peer`, waiting whenever its queue is full. */
    chatter(peer: string, n: number, size: number): Promise<number>;
  }
}

const MEMPOOL = 0x30;
let t: PageTransport;
let sw: Switch;
let pex: PexReactor;
const chatter: Record<string, number> = {};
const timings: Record<string, number> = {};

/** Every channel but peer exchange: counts 0x30 by sender, takes the hub's consensus gossip silently. */
const sink: Reactor = {
  channels: NODE_CHANNELS.map((c) => c.id).filter((id) => id !== PEX_CHANNEL_ID),
  addPeer: () => undefined,
  removePeer: () => undefined,
  receive(channel, peer) {
    if (channel === MEMPOOL) chatter[peer] = (chatter[peer] ?? 0) + 1;
  },
};

window.startPeer = async (hubAddr) => {
  const hubId = hubAddr.split('/p2p/').pop()!;
  const nodeKey = crypto.getRandomValues(new Uint8Array(32));
  t = await createPageTransport({ nodeKey, hubAddr, channels: NODE_CHANNELS, pingEveryMs: 1000 });
  sw = new Switch(t);
  pex = new PexReactor(t, sw, realTimeScheduler, { requestIntervalMs: 1000, maxRequestIntervalMs: 2000 });
  sw.addReactor(pex);
  sw.addReactor(sink);
  const t0 = performance.now();
  t.setHandler({
    peerConnected(peer) {
      timings[peer === hubId ? 'hub' : 'firstPage'] ??= performance.now() - t0;
      sw.peerConnected(peer);
    },
    peerDisconnected: (peer, reason) => sw.peerDisconnected(peer, reason),
    receive: (peer, channel, bytes) => sw.receive(peer, channel, bytes),
  });
  const watch = setInterval(() => {
    if (t.webrtcAddrs().length > 0) {
      timings.reservation ??= performance.now() - t0;
      clearInterval(watch);
    }
  }, 10);
  await t.start();
  pex.start();
  return t.peerId;
};

window.peerState = () => {
  const connections: PeerState['connections'] = {};
  for (const p of sw.peers()) connections[p] = t.connectionsOf(p);
  return { peerId: t.peerId, switchPeers: sw.peers(), known: pex.known(), webrtcAddrs: t.webrtcAddrs(), stats: t.peerStats(), chatter: { ...chatter }, connections, timings: { ...timings } };
};

window.chatter = async (peer, n, size) => {
  let sent = 0;
  while (sent < n) {
    if (sw.send(peer, MEMPOOL, new Uint8Array(size).fill(sent & 0xff))) sent++;
    else await new Promise((r) => setTimeout(r, 0));
  }
  return sent;
};
