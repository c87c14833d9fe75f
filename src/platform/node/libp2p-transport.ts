// The node's PeerTransport over js-libp2p: TCP and WebSockets listeners, noise, yamux, identify
// (and identify push, so a peer's new addresses reach us), ping, and on the hub a circuit-relay-v2
// server (browsers reserve a slot there and are reached through it). A node's Ed25519 node key is
// its libp2p identity, so the peer id the Switch and PeerState use is the libp2p peer id
// (12D3KooW…) that noise authenticated.
//
// Each side opens one long-lived stream per channel (`/prevote/1/channel/0x20`, …) and only writes
// to it; it reads what the other side opened. Streams carry varint-length-prefixed protobuf
// messages, as CometBFT's lp2p transport frames them (platform/shared/varint-frames.ts). A peer is
// announced to the Switch once our channel streams are open, so every `send` after `peerConnected`
// has somewhere to go; what the peer sends before that waits in libp2p's read buffer (bounded: a
// stream that overfills it is reset, which drops the peer). Any channel stream closing drops the
// whole peer, as an MConnection error does in CometBFT; persistent peers are then redialled.
//
// It is also peer exchange's `Discovery`: each peer's listen addresses are what it told us in
// identify (kept while it is connected), and the peer count is the one `maxPeers` caps.
import './polyfills.js';
import { createLibp2p } from 'libp2p';
import type { Libp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { webSockets } from '@libp2p/websockets';
import { noise } from '@libp2p/noise';
import { yamux } from '@libp2p/yamux';
import { identify, identifyPush } from '@libp2p/identify';
import { circuitRelayServer } from '@libp2p/circuit-relay-v2';
import { ping } from '@libp2p/ping';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { Connection, PeerId, Stream } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import type { PeerTransport, TransportHandler } from '../../node/switch.js';
import type { Discovery } from '../../node/pex-reactor.js';
import type { ChannelDescriptor } from '../../node/channel-descriptors.js';
import { CONSENSUS_CHANNELS } from '../../node/channel-descriptors.js';
import type { FrameSink } from '../shared/send-queues.js';
import { SendQueues } from '../shared/send-queues.js';
import { FrameDecoder } from '../shared/varint-frames.js';
import { Redialer } from './redialer.js';

export interface Libp2pTransportOptions {
  /** The node key's 32-byte Ed25519 seed: our libp2p identity. */
  nodeKey: Uint8Array;
  /** The Switch's channels (default: consensus 0x20–0x23). */
  channels?: readonly ChannelDescriptor[];
  /** Listen multiaddrs (default: TCP and WebSockets on 127.0.0.1, ephemeral ports). */
  listen?: string[];
  /** Peers we keep connected to, as multiaddrs ending in /p2p/<peer id>; redialled with backoff. */
  persistentPeers?: string[];
  /** Most peers at once, either direction (CometBFT's max_num_inbound + outbound: 40 + 10). */
  maxPeers?: number;
  /** Redial backoff for persistent peers: first delay and cap, in ms (default 1 s, 30 s). */
  redial?: { initialMs?: number; maxMs?: number };
  /**
   * Serve circuit relay v2 (the hub): peers, browsers above all, reserve a slot and are reached at
   * <our address>/p2p-circuit/p2p/<their id>. At most `maxPeers` reservations.
   */
  relayServer?: boolean;
}

export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'];
export const DEFAULT_MAX_PEERS = 50;

export function channelProtocol(channel: number): string {
  return `/prevote/1/channel/0x${channel.toString(16).padStart(2, '0')}`;
}

/** One connected (or connecting) peer: our write streams, its read streams, our queues. */
class Peer {
  announced = false;
  flushing = false;
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

function streamSink(stream: Stream): FrameSink {
  return {
    get blocked() {
      return stream.writableNeedsDrain || stream.writeStatus !== 'writable';
    },
    write: (frame) => void stream.send(frame),
  };
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A peer id's listen addresses as identify gave them, at most this many kept. */
const MAX_ADDRS_PER_PEER = 16;

export class Libp2pTransport implements PeerTransport, Discovery {
  /** Our peer id (the node key's libp2p id). */
  readonly peerId: string;
  private handler: TransportHandler | null = null;
  private readonly peers = new Map<string, Peer>();
  /** Listen addresses from identify, by peer id, while connected. */
  private readonly listenAddrsOf = new Map<string, string[]>();
  private readonly channels: readonly ChannelDescriptor[];
  private readonly maxPeers: number;
  private readonly redialer: Redialer;
  private stopping = false;

  private constructor(
    private readonly libp2p: Libp2p,
    o: Libp2pTransportOptions,
  ) {
    this.peerId = libp2p.peerId.toString();
    this.channels = o.channels ?? CONSENSUS_CHANNELS;
    this.maxPeers = o.maxPeers ?? DEFAULT_MAX_PEERS;
    this.redialer = new Redialer(o.persistentPeers ?? [], o.redial ?? {}, (addr) => libp2p.dial(multiaddr(addr)).then(() => undefined));
  }

  static async create(o: Libp2pTransportOptions): Promise<Libp2pTransport> {
    if (o.nodeKey.length !== 32) throw new Error(`node key seed must be 32 bytes, got ${o.nodeKey.length}`);
    const privateKey = await generateKeyPairFromSeed('Ed25519', o.nodeKey);
    const maxPeers = o.maxPeers ?? DEFAULT_MAX_PEERS;
    const relay = o.relayServer ? { relay: circuitRelayServer({ reservations: { maxReservations: maxPeers } }) } : {};
    const libp2p = await createLibp2p({
      privateKey,
      start: false,
      addresses: { listen: o.listen ?? DEFAULT_LISTEN },
      transports: [tcp(), webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify(), identifyPush: identifyPush(), ping: ping(), ...relay },
      // room for both halves of a simultaneous dial; our own cap is on peers, below
      connectionManager: { maxConnections: 2 * maxPeers + 4 },
    });
    return new Libp2pTransport(libp2p, o);
  }

  /** The libp2p peer id of a node key, without starting anything. */
  static async peerIdOf(nodeKey: Uint8Array): Promise<string> {
    return peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', nodeKey)).toString();
  }

  /** Where peers and bytes go: the node's Switch. Set before `start`. */
  setHandler(handler: TransportHandler): void {
    this.handler = handler;
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
      if (connection.status === 'open') this.listenAddrsOf.set(id, addrs);
      // a libp2p node that does not speak our channels (a relay, a browser's bootstrap) is not a peer
      if (protocols.includes(ourFirst) && connection.status === 'open') this.admit(peerId, connection);
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
      peer.sinks.set(c.id, streamSink(s));
      s.addEventListener('drain', () => this.scheduleFlush(peer));
      s.addEventListener('close', (evt) => this.dropPeer(peer, `channel 0x${c.id.toString(16)} stream closed${evt.error ? `: ${evt.error.message}` : ''}`, true));
    });
    peer.announced = true;
    this.redialer.connected(peer.id);
    this.handler!.peerConnected(peer.id);
    for (const { channel, stream } of peer.unread.splice(0)) this.read(peer, channel, stream);
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
