// The page's libp2p (issue 13): a browser node's connections live here on the main thread, since
// workers have no RTCPeerConnection; the node itself is in a worker, behind the bridge
// (page-bridge.ts). Channel streams, queues, redial and Discovery are the Node transport's own
// (platform/shared/libp2p-transport.ts); this file makes the browser's libp2p and watches it.
//
// How two tabs meet: each dials the hub over WebSockets (the hub is its persistent peer, so it is
// redialled), reserves a slot on the hub's circuit relay and so listens at
// <hub>/p2p-circuit/webrtc/p2p/<us>. That is the only address identify tells peers (a relayed
// connection is limited, no use for channels), so the hub's peer exchange hands it to other tabs.
// Dialling it runs WebRTC's offer/answer over the relay and ends in a direct connection, which is
// where the shared transport admits the peer; the relayed one is then closed.
import { createLibp2p } from 'libp2p';
import type { Libp2p } from 'libp2p';
import { webSockets } from '@libp2p/websockets';
import { webRTC } from '@libp2p/webrtc';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { noise } from '@libp2p/noise';
import { yamux } from '@libp2p/yamux';
import { identify, identifyPush } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import type { Ping } from '@libp2p/ping';
import { peerIdFromString } from '@libp2p/peer-id';
import type { ChannelDescriptor } from '../../node/channel-descriptors.js';
import type { RedialOptions } from '../shared/redialer.js';
import { Libp2pPeerTransport, privateKeyOfNodeKey } from '../shared/libp2p-transport.js';
import type { Libp2pPeerTransportOptions } from '../shared/libp2p-transport.js';
import type { PeerStat, PeerTransportKind } from './live-protocol.js';

export interface PageTransportOptions {
  /** The node key's 32-byte Ed25519 seed (the worker's `identity`): our libp2p identity. */
  nodeKey: Uint8Array;
  /** The hub's WebSockets multiaddr, ending in /p2p/<hub id>: our relay, kept connected. */
  hubAddr: string;
  /** The worker's Switch's channels (node/channel-descriptors.ts NODE_CHANNELS for a node). */
  channels: readonly ChannelDescriptor[];
  /** Most peers at once (default 20: a tab is not a server). */
  maxPeers?: number;
  /** Ping each peer this often for its round-trip time (ms, default 5000). */
  pingEveryMs?: number;
  /** ICE servers for WebRTC (default none: a local testnet reaches no STUN server). */
  iceServers?: RTCIceServer[];
  redial?: RedialOptions;
}

export const DEFAULT_PAGE_MAX_PEERS = 20;
const DEFAULT_PING_EVERY_MS = 5000;

/** Only a relayed WebRTC address is worth telling peers: `<relay>/p2p-circuit/webrtc/p2p/<us>`. */
const RELAYED_WEBRTC = /\/p2p-circuit\/webrtc(\/|$)/;
/** A relayed address without WebRTC would give a limited connection that carries no channels. */
const PLAIN_RELAY = /\/p2p-circuit(\/p2p\/[^/]+)?\/?$/;

/**
 * How a connection reaches the peer, from its remote address. A dialled WebRTC connection keeps the
 * relayed address it was dialled at (`…/p2p-circuit/webrtc/p2p/<id>`), so WebRTC is checked first.
 */
export function transportKind(remoteAddr: string, limited: boolean): PeerTransportKind {
  if (/\/webrtc(-direct)?(\/|$)/.test(remoteAddr)) return 'webrtc';
  if (limited || remoteAddr.includes('/p2p-circuit')) return 'relayed';
  if (/\/(ws|wss|tls\/ws)(\/|$)/.test(remoteAddr)) return 'websockets';
  return 'tcp';
}

/** Is the multiaddr's host loopback, private or link-local (a local testnet's hub)? */
export function isLocalAddr(addr: string): boolean {
  const m = /^\/(ip4|ip6|dns|dns4|dns6)\/([^/]+)/.exec(addr);
  if (!m) return false;
  const [, proto, rawHost] = m;
  const host = rawHost.toLowerCase();
  if (proto.startsWith('dns')) return host === 'localhost' || host.endsWith('.localhost');
  if (proto === 'ip4') {
    const [a, b] = host.split('.').map(Number);
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  return host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
}

export class PageTransport extends Libp2pPeerTransport {
  private readonly rtt = new Map<string, number>();
  private readonly pinging = new Set<string>();
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private unobserve: (() => void) | null = null;

  constructor(
    libp2p: Libp2p,
    private readonly pinger: Ping,
    o: Libp2pPeerTransportOptions,
    private readonly pingEveryMs = DEFAULT_PING_EVERY_MS,
  ) {
    super(libp2p, o);
  }

  override async start(): Promise<void> {
    // a first round trip as soon as a peer is there, then every few seconds
    this.unobserve = this.observe({ peerAnnounced: (id) => void this.ping(id) });
    await super.start();
    this.pingTimer = setInterval(() => this.pingAll(), this.pingEveryMs);
  }

  override async stop(): Promise<void> {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.unobserve?.();
    await super.stop();
  }

  /** Refuses a plain relayed address: its connection is limited and would never carry channels. */
  override async dial(addr: string): Promise<void> {
    if (PLAIN_RELAY.test(addr)) throw new Error(`a relayed connection carries no channels: dial the peer's /p2p-circuit/webrtc address (${addr})`);
    await super.dial(addr);
  }

  /** Our relayed WebRTC addresses (once the hub granted a reservation). */
  webrtcAddrs(): string[] {
    return this.listenAddrs().filter((a) => RELAYED_WEBRTC.test(a));
  }

  /** Every libp2p connection to a peer, ours or not (tests check that no relayed one outlives the direct one). */
  connectionsOf(peerId: string): { remoteAddr: string; limited: boolean }[] {
    return this.libp2p.getConnections(peerIdFromString(peerId)).map((c) => ({ remoteAddr: c.remoteAddr.toString(), limited: c.limits != null }));
  }

  /** The announced peers as the peers table shows them. */
  peerStats(): PeerStat[] {
    const stats: PeerStat[] = [];
    for (const id of this.connectedPeers()) {
      const info = this.peerInfo(id);
      if (!info) continue;
      stats.push({ id, transport: transportKind(info.remoteAddr, info.limited), rttMs: this.rtt.get(id) ?? null, bytesIn: info.bytesIn, bytesOut: info.bytesOut });
    }
    return stats;
  }

  private pingAll(): void {
    const now = new Set(this.connectedPeers());
    for (const id of this.rtt.keys()) if (!now.has(id)) this.rtt.delete(id);
    for (const id of now) void this.ping(id);
  }

  /** libp2p's ping picks an unlimited connection, the one our channels use. */
  private async ping(id: string): Promise<void> {
    if (this.pinging.has(id)) return;
    this.pinging.add(id);
    try {
      const ms = await this.pinger.ping(peerIdFromString(id), { signal: AbortSignal.timeout(this.pingEveryMs) });
      if (this.peerInfo(id)) this.rtt.set(id, ms);
    } catch {
      // no answer this time: the last figure stands until the next
    } finally {
      this.pinging.delete(id);
    }
  }
}

/**
 * The page's libp2p transport, not yet started: bridge it (page-bridge.ts), or set a handler, then
 * `start()`, which dials the hub and keeps it dialled.
 */
export async function createPageTransport(o: PageTransportOptions): Promise<PageTransport> {
  const privateKey = await privateKeyOfNodeKey(o.nodeKey);
  const maxPeers = o.maxPeers ?? DEFAULT_PAGE_MAX_PEERS;
  const libp2p = await createLibp2p({
    privateKey,
    start: false,
    addresses: {
      // a reservation on a relay we are connected to (the hub), and WebRTC through it
      listen: ['/p2p-circuit', '/webrtc'],
      announceFilter: (addrs) => addrs.filter((a) => RELAYED_WEBRTC.test(a.toString())),
    },
    transports: [webSockets(), webRTC({ rtcConfiguration: { iceServers: o.iceServers ?? [] } }), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // the browser's default refuses ws:// and private addresses; a testnet on this machine or LAN
    // has nothing else, so a local hub lifts both (a public one keeps the defaults)
    connectionGater: isLocalAddr(o.hubAddr) ? { denyDialMultiaddr: () => false } : {},
    // a tab's addresses change when the hub grants (or renews) its reservation, and that new
    // address is how other tabs find it (the hub's peer exchange): push it soon, not after libp2p's 1 s
    services: { identify: identify(), identifyPush: identifyPush({ debounce: 100 }), ping: ping() },
    connectionManager: { maxConnections: 2 * maxPeers + 4 },
  });
  return new PageTransport(libp2p, libp2p.services.ping, { channels: o.channels, maxPeers, persistentPeers: [o.hubAddr], redial: o.redial }, o.pingEveryMs);
}
