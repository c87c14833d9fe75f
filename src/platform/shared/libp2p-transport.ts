// A Switch's PeerTransport over a js-libp2p node, whatever made that node: the Node process (TCP,
// WebSockets, a relay server on the hub: platform/node/libp2p-transport.ts) or the page (WebSockets
// to the hub, WebRTC between browsers: platform/browser/page-transport.ts). A node's Ed25519 node
// key is its libp2p identity, so the peer id the Switch and PeerState use is the libp2p peer id
// (12D3KooW…) that noise authenticated.
//
// Each side opens one long-lived stream per channel (`/prevote/1/channel/0x20`, …) and only writes
// to it; it reads what the other side opened. Streams carry varint-length-prefixed protobuf
// messages, as CometBFT's lp2p transport frames them (varint-frames.ts). A peer is announced to
// the Switch once our channel streams are open, so every `send` after `peerConnected` has somewhere
// to go; what the peer sends before that waits in libp2p's read buffer (bounded: a stream that
// overfills it is reset, which drops the peer). Any channel stream closing drops the whole peer,
// as an MConnection error does in CometBFT; persistent peers are then redialled.
//
// Channels run only on an unlimited connection. Two browsers first meet over a circuit-relay
// connection that the relay limits (time and bytes) and that libp2p refuses our protocols on;
// WebRTC then gives them a direct one, and that is where the peer is admitted. Once it carries the
// channels, the relayed connection is closed after a grace period (the other side may still be
// closing its signalling stream on it), so nothing of ours crosses the relay any more.
//
// It is also peer exchange's `Discovery`: each peer's listen addresses are what it told us in
// identify (kept while it is connected), and the peer count is the one `maxPeers` caps.
import type { Libp2p } from 'libp2p';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { Connection, PeerId, PrivateKey, Stream } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import type { PeerTransport, TransportHandler } from '../../node/switch.js';
import type { Discovery } from '../../node/pex-reactor.js';
import type { ChannelDescriptor } from '../../node/channel-descriptors.js';
import { CONSENSUS_CHANNELS } from '../../node/channel-descriptors.js';
import type { FrameSink } from './send-queues.js';
import { SendQueues } from './send-queues.js';
import { FrameDecoder } from './varint-frames.js';
import type { RedialOptions } from './redialer.js';
import { Redialer } from './redialer.js';
import { concat } from '../../core/bytes.js';

export interface Libp2pPeerTransportOptions {
  /** The Switch's channels (default: consensus 0x20–0x23). */
  channels?: readonly ChannelDescriptor[];
  /** Peers we keep connected to, as multiaddrs ending in /p2p/<peer id>; redialled with backoff. */
  persistentPeers?: string[];
  /** Most peers at once, either direction (CometBFT's max_num_inbound + outbound: 40 + 10). */
  maxPeers?: number;
  /** Redial backoff for persistent peers: first delay and cap, in ms (default 1 s, 30 s). */
  redial?: RedialOptions;
  /** How long a relayed connection to a peer outlives the direct one its channels moved to (ms). */
  relayGraceMs?: number;
}

/** What the page needs to hear beside the Switch's handler (the worker bridge, peer stats). */
export interface TransportObserver {
  /** A peer's channel streams are open (just before the handler's peerConnected). */
  peerAnnounced?(peerId: string): void;
  /** A frame left a peer's send queue for its channel stream: the queue has room for one more. */
  frameSent?(peerId: string, channel: number): void;
  /** An announced peer told us other listen addresses (identify push). */
  addrsChanged?(peerId: string, addrs: string[]): void;
}

/** The connection a peer's channels run on, and the bytes they carried (frames, both ways). */
export interface PeerConnectionInfo {
  remoteAddr: string;
  /** a relay's limited connection (never, for an announced peer: kept for the stats' sake) */
  limited: boolean;
  bytesIn: number;
  bytesOut: number;
}

export const DEFAULT_MAX_PEERS = 50;
const DEFAULT_RELAY_GRACE_MS = 3000;

export function channelProtocol(channel: number): string {
  return `/prevote/1/channel/0x${channel.toString(16).padStart(2, '0')}`;
}

/** The libp2p key of a node key (its 32-byte Ed25519 seed). */
export async function privateKeyOfNodeKey(nodeKey: Uint8Array): Promise<PrivateKey> {
  if (nodeKey.length !== 32) throw new Error(`node key seed must be 32 bytes, got ${nodeKey.length}`);
  return generateKeyPairFromSeed('Ed25519', nodeKey);
}

/** The libp2p peer id of a node key, without starting anything. */
export async function peerIdOfNodeKey(nodeKey: Uint8Array): Promise<string> {
  return peerIdFromPrivateKey(await privateKeyOfNodeKey(nodeKey)).toString();
}

/** One connected (or connecting) peer: our write streams, its read streams, our queues. */
class Peer {
  announced = false;
  flushing = false;
  bytesIn = 0;
  bytesOut = 0;
  readonly sinks = new Map<number, FrameSink>();
  readonly streams: Stream[] = [];
  /** Its channel streams that arrived before we announced it; read from the announcement on. */
  readonly unread: { channel: ChannelDescriptor; stream: Stream }[] = [];
  constructor(
    readonly id: string,
    readonly remote: PeerId,
    readonly connection: Connection,
    readonly queues: SendQueues,
  ) {}
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A peer id's listen addresses as identify gave them, at most this many kept. */
const MAX_ADDRS_PER_PEER = 16;

export class Libp2pPeerTransport implements PeerTransport, Discovery {
  /** Our peer id (the node key's libp2p id). */
  readonly peerId: string;
  readonly channels: readonly ChannelDescriptor[];
  private handler: TransportHandler | null = null;
  private readonly observers = new Set<TransportObserver>();
  private readonly peers = new Map<string, Peer>();
  /** Listen addresses from identify, by peer id, while connected. */
  private readonly listenAddrsOf = new Map<string, string[]>();
  private readonly maxPeers: number;
  private readonly relayGraceMs: number;
  private readonly redialer: Redialer;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopping = false;

  constructor(
    protected readonly libp2p: Libp2p,
    o: Libp2pPeerTransportOptions = {},
  ) {
    this.peerId = libp2p.peerId.toString();
    this.channels = o.channels ?? CONSENSUS_CHANNELS;
    this.maxPeers = o.maxPeers ?? DEFAULT_MAX_PEERS;
    this.relayGraceMs = o.relayGraceMs ?? DEFAULT_RELAY_GRACE_MS;
    this.redialer = new Redialer(o.persistentPeers ?? [], o.redial ?? {}, (addr) => libp2p.dial(multiaddr(addr)).then(() => undefined));
  }

  /** Where peers and bytes go: the node's Switch (or the bridge to it). Set before `start`. */
  setHandler(handler: TransportHandler): void {
    this.handler = handler;
  }

  /** Adds an observer; returns its removal. */
  observe(o: TransportObserver): () => void {
    this.observers.add(o);
    return () => this.observers.delete(o);
  }

  async start(): Promise<void> {
    if (!this.handler) throw new Error('Libp2pTransport: setHandler before start');
    for (const channel of this.channels) {
      await this.libp2p.handle(channelProtocol(channel.id), (stream, connection) => this.onInbound(channel, stream, connection));
    }
    const ourFirst = channelProtocol(this.channels[0].id);
    this.libp2p.addEventListener('peer:identify', (evt) => {
      const { peerId, protocols, connection, listenAddrs } = evt.detail;
      const id = peerId.toString();
      // with our /p2p/<id> suffix, so that they can be dialled as they are handed on
      const addrs = listenAddrs.slice(0, MAX_ADDRS_PER_PEER).map((a) => a.toString()).map((a) => (a.endsWith(`/p2p/${id}`) ? a : `${a}/p2p/${id}`));
      if (connection.status !== 'open') return;
      const before = this.listenAddrsOf.get(id);
      this.listenAddrsOf.set(id, addrs);
      const peer = this.peers.get(id);
      if (peer?.announced && before?.join() !== addrs.join()) for (const o of this.observers) o.addrsChanged?.(id, [...addrs]);
      // a libp2p node that does not speak our channels (a relay, a browser's bootstrap) is not a
      // peer; nor is a relay's limited connection one to run channels on (see the header)
      if (protocols.includes(ourFirst) && connection.limits == null) this.admit(peerId, connection);
    });
    this.libp2p.addEventListener('connection:open', (evt) => {
      const peer = this.peers.get(evt.detail.remotePeer.toString());
      if (evt.detail.limits != null && peer?.announced) this.closeRelayedSoon(peer);
    });
    this.libp2p.addEventListener('peer:disconnect', (evt) => {
      const id = evt.detail.toString();
      this.listenAddrsOf.delete(id);
      const peer = this.peers.get(id);
      if (peer) this.dropPeer(peer, 'connection closed', false);
      else this.redialer.lost(id);
    });
    await this.libp2p.start();
    this.redialer.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.redialer.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const peer of [...this.peers.values()]) this.dropPeer(peer, 'stopping', false);
    await this.libp2p.stop();
  }

  /** Our listen addresses, each ending in /p2p/<our peer id>. */
  listenAddrs(): string[] {
    return this.libp2p.getMultiaddrs().map((a) => a.toString());
  }

  /** Connects to a peer once (no redial): a multiaddr ending in /p2p/<peer id>. */
  async dial(addr: string): Promise<void> {
    await this.libp2p.dial(multiaddr(addr));
  }

  /** Discovery: our peer id. */
  get selfId(): string {
    return this.peerId;
  }

  /** Discovery: a connected peer's listen addresses (from identify), each ending in /p2p/<its id>. */
  addrsOf(peerId: string): string[] {
    return [...(this.listenAddrsOf.get(peerId) ?? [])];
  }

  /** Discovery: peers announced or being admitted, the count `maxPeers` caps. */
  connectedCount(): number {
    return this.peers.size;
  }

  /** Announced peers. */
  connectedPeers(): string[] {
    return [...this.peers.values()].filter((p) => p.announced).map((p) => p.id);
  }

  /** An announced peer's connection and traffic; null for any other. */
  peerInfo(peerId: string): PeerConnectionInfo | null {
    const peer = this.peers.get(peerId);
    if (!peer?.announced) return null;
    const c = peer.connection;
    return { remoteAddr: c.remoteAddr.toString(), limited: c.limits != null, bytesIn: peer.bytesIn, bytesOut: peer.bytesOut };
  }

  send(peerId: string, channel: number, bytes: Uint8Array): boolean {
    const peer = this.peers.get(peerId);
    if (!peer?.announced || !peer.queues.enqueue(channel, bytes)) return false;
    this.scheduleFlush(peer);
    return true;
  }

  disconnect(peerId: string, reason: string): void {
    const peer = this.peers.get(peerId);
    if (peer) this.dropPeer(peer, reason, true);
  }

  /** A peer seen for the first time (identified, or opening a channel stream): open our streams. */
  private admit(remote: PeerId, connection: Connection): Peer | null {
    const id = remote.toString();
    const known = this.peers.get(id);
    if (known) return known;
    if (this.stopping) return null;
    if (this.peers.size >= this.maxPeers) {
      void this.libp2p.hangUp(remote).catch(() => undefined);
      return null;
    }
    const peer = new Peer(id, remote, connection, new SendQueues(this.channels, Date.now));
    this.peers.set(id, peer);
    void this.openChannels(peer);
    return peer;
  }

  /** A channel stream as a sink: one flush's frames go out as one write (see FrameSink.end). */
  private sinkOf(peer: Peer, channel: number, stream: Stream): FrameSink {
    let batch: Uint8Array[] = [];
    return {
      get blocked() {
        return stream.writableNeedsDrain || stream.writeStatus !== 'writable';
      },
      write: (frame) => {
        peer.bytesOut += frame.length;
        batch.push(frame);
        for (const o of this.observers) o.frameSent?.(peer.id, channel);
      },
      end: () => {
        const frames = batch;
        batch = [];
        stream.send(frames.length === 1 ? frames[0] : concat(...frames));
      },
    };
  }

  private async openChannels(peer: Peer): Promise<void> {
    let streams: Stream[];
    try {
      streams = await Promise.all(this.channels.map((c) => peer.connection.newStream(channelProtocol(c.id))));
    } catch (e) {
      this.dropPeer(peer, `cannot open channel streams: ${errorText(e)}`, true);
      return;
    }
    if (this.peers.get(peer.id) !== peer) {
      for (const s of streams) s.abort(new Error('peer gone'));
      return;
    }
    this.channels.forEach((c, i) => {
      const s = streams[i];
      peer.streams.push(s);
      peer.sinks.set(c.id, this.sinkOf(peer, c.id, s));
      s.addEventListener('drain', () => this.scheduleFlush(peer));
      s.addEventListener('close', (evt) => this.dropPeer(peer, `channel 0x${c.id.toString(16)} stream closed${evt.error ? `: ${evt.error.message}` : ''}`, true));
    });
    peer.announced = true;
    this.redialer.connected(peer.id);
    for (const o of this.observers) o.peerAnnounced?.(peer.id);
    this.handler!.peerConnected(peer.id);
    for (const { channel, stream } of peer.unread.splice(0)) this.read(peer, channel, stream);
    this.closeRelayedSoon(peer);
  }

  /** Closes the peer's limited (relayed) connections a little later: its channels run elsewhere. */
  private closeRelayedSoon(peer: Peer): void {
    if (!this.libp2p.getConnections(peer.remote).some((c) => c.limits != null)) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.peers.get(peer.id) !== peer) return;
      for (const c of this.libp2p.getConnections(peer.remote)) {
        if (c.limits != null && c !== peer.connection) void c.close().catch((e: Error) => c.abort(e));
      }
    }, this.relayGraceMs);
    this.timers.add(timer);
  }

  private onInbound(channel: ChannelDescriptor, stream: Stream, connection: Connection): void {
    const peer = this.admit(connection.remotePeer, connection);
    if (!peer) return stream.abort(new Error('not accepting this peer'));
    peer.streams.push(stream);
    const closed = (why: string) => this.dropPeer(peer, `its channel 0x${channel.id.toString(16)} stream ${why}`, true);
    stream.addEventListener('close', (evt) => closed(`closed${evt.error ? `: ${evt.error.message}` : ''}`));
    stream.addEventListener('remoteCloseWrite', () => closed('ended'));
    if (peer.announced) this.read(peer, channel, stream);
    else peer.unread.push({ channel, stream });
  }

  /** Decodes a channel stream's frames into the Switch; a bad or oversize frame drops the peer. */
  private read(peer: Peer, channel: ChannelDescriptor, stream: Stream): void {
    const decoder = new FrameDecoder(channel.recvMessageCapacity);
    stream.addEventListener('message', (evt) => {
      if (this.peers.get(peer.id) !== peer) return;
      const chunk = evt.data instanceof Uint8Array ? evt.data : evt.data.subarray();
      peer.bytesIn += chunk.length;
      let messages: Uint8Array[];
      try {
        messages = decoder.push(chunk);
      } catch (e) {
        this.dropPeer(peer, `channel 0x${channel.id.toString(16)}: ${errorText(e)}`, true);
        return;
      }
      for (const m of messages) {
        if (this.peers.get(peer.id) !== peer) return; // the Switch may stop the peer mid-chunk
        this.handler!.receive(peer.id, channel.id, m);
      }
    });
  }

  /** Writes a peer's queues once the current turn is over, so several sends share one priority pass. */
  private scheduleFlush(peer: Peer): void {
    if (peer.flushing) return;
    peer.flushing = true;
    queueMicrotask(() => {
      peer.flushing = false;
      if (this.peers.get(peer.id) !== peer) return;
      try {
        peer.queues.flush(peer.sinks);
      } catch (e) {
        this.dropPeer(peer, `send failed: ${errorText(e)}`, true);
      }
    });
  }

  private dropPeer(peer: Peer, reason: string, hangUp: boolean): void {
    if (this.peers.get(peer.id) !== peer) return;
    this.peers.delete(peer.id);
    peer.queues.clear();
    for (const s of peer.streams) s.abort(new Error(reason));
    if (peer.announced) this.handler!.peerDisconnected(peer.id, reason);
    if (hangUp) void this.libp2p.hangUp(peer.remote).catch(() => undefined);
    if (!this.stopping) this.redialer.lost(peer.id);
  }
}
