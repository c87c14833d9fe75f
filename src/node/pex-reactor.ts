// Peer exchange (CometBFT's p2p/pex reactor, reduced) on channel 0x00: a node asks its peers for
// addresses, answers their asks with the addresses of the peers it is connected to, and dials
// what it learns until it has `targetPeers`. The transport behind `Discovery` does the dialling
// and knows each peer's listen addresses (libp2p's identify); this file imports no libp2p.
//
// The messages keep CometBFT's shape ([CMT] proto package cometbft.p2p.v1):
//
//   message PexRequest {}
//   message NetAddress { string id = 1; string ip = 2; uint32 port = 3; string multiaddr = 4; }
//   message PexAddrs   { repeated NetAddress addrs = 1; }
//   message Message    { oneof sum { PexRequest pex_request = 1; PexAddrs pex_addrs = 2; } }
//
// `multiaddr` (field 4) is ours: a libp2p address ending in /p2p/<id>, which ip and port cannot
// hold (WebSockets, /p2p-circuit/webrtc). We leave ip/port empty and ignore them when reading.
//
// A peer is hostile: an oversize or malformed message, an answer we did not ask for, or asks
// faster than one per `requestIntervalMs / 2` beyond a small burst stop the peer. The address
// book is bounded, and a dialled address that fails is retried with backoff, then forgotten.
import { DecodeError, PrevoteError } from '../core/errors.js';
import type { BinaryReader } from '../core/encoding/proto.js';
import { BinaryWriter, L, readMessage } from '../core/encoding/proto.js';
import { PEX_CHANNEL } from './channel-descriptors.js';
import type { Clock, Scheduler, TimerHandle } from './ports.js';
import type { PeerSender, Reactor } from './switch.js';

export const PEX_CHANNEL_ID = PEX_CHANNEL.id;
/** Addresses in one PexAddrs (CometBFT sends up to 250 ip:port; multiaddrs are longer). */
export const MAX_PEX_ADDRS = 100;
/** Longest multiaddr string we accept (a relayed WebRTC address is about 170 characters). */
export const MAX_MULTIADDR_LENGTH = 512;
const MAX_ID_LENGTH = 128;
/** Largest PEX message: MAX_PEX_ADDRS entries at their longest, with room for tags. */
export const MAX_PEX_MSG_BYTES = PEX_CHANNEL.recvMessageCapacity;

export type PexMessage = { kind: 'PexRequest' } | { kind: 'PexAddrs'; addrs: string[] };

/** The peer id an address ends with, or null when it is not a multiaddr we would dial. */
export function peerIdOfMultiaddr(addr: string): string | null {
  if (addr.length > MAX_MULTIADDR_LENGTH || !/^(\/[\x21-\x7e]+)+$/.test(addr)) return null;
  const m = /\/p2p\/([A-Za-z0-9]+)$/.exec(addr);
  return m && m[1].length <= MAX_ID_LENGTH ? m[1] : null;
}

export function encodePexMessage(msg: PexMessage): Uint8Array {
  const w = new BinaryWriter();
  if (msg.kind === 'PexRequest') return w.tag(1, L).bytes(new Uint8Array(0)).finish();
  if (msg.addrs.length > MAX_PEX_ADDRS) throw new RangeError(`${msg.addrs.length} addresses exceed ${MAX_PEX_ADDRS} per message`);
  w.tag(2, L).fork();
  for (const addr of msg.addrs) {
    const id = peerIdOfMultiaddr(addr);
    if (!id) throw new RangeError(`not a dialable multiaddr ending in /p2p/<id>: ${addr.slice(0, 80)}`);
    w.tag(1, L).fork().tag(1, L).string(id).tag(4, L).string(addr).join();
  }
  return w.join().finish();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A length-delimited string of at most `max` bytes, refused before it is decoded. */
function boundedString(r: BinaryReader, max: number, field: string): string {
  const start = r.pos;
  const bytes = r.bytes(); // a view into the message, already bounded by MAX_PEX_MSG_BYTES
  if (bytes.length > max) throw new DecodeError('ErrFieldTooLong', `${field} of ${bytes.length} bytes exceeds ${max}`, { field, offset: start });
  try {
    return utf8.decode(bytes);
  } catch {
    throw new DecodeError('ErrBadString', `${field} is not UTF-8`, { field, offset: start });
  }
}

export function decodePexMessage(bytes: Uint8Array): PexMessage {
  if (bytes.length > MAX_PEX_MSG_BYTES) throw new DecodeError('ErrMsgTooBig', `pex message of ${bytes.length} bytes exceeds ${MAX_PEX_MSG_BYTES}`, { size: bytes.length });
  let kind: 'PexRequest' | 'PexAddrs' | null = null;
  let body: Uint8Array = new Uint8Array(0);
  const set = (k: 'PexRequest' | 'PexAddrs', r: BinaryReader) => {
    if (kind) throw new DecodeError('ErrTwoKinds', 'pex Message carries two kinds', { offset: r.pos });
    kind = k;
    body = r.bytes();
  };
  readMessage(bytes, 'pex Message', { 1: [L, (r) => set('PexRequest', r)], 2: [L, (r) => set('PexAddrs', r)] });
  if (kind === null) throw new DecodeError('ErrUnknownMessage', 'pex Message of no known kind', { size: bytes.length });
  if (kind === 'PexRequest') return { kind };
  const addrs: string[] = [];
  readMessage(body, 'PexAddrs', {
    1: [
      L,
      (r) => {
        if (addrs.length >= MAX_PEX_ADDRS) throw new DecodeError('ErrTooManyAddrs', `more than ${MAX_PEX_ADDRS} addresses`, { field: 'addrs', offset: r.pos });
        const index = addrs.length;
        let id = '';
        let addr = '';
        readMessage(r.bytes(), 'NetAddress', {
          1: [L, (a) => (id = boundedString(a, MAX_ID_LENGTH, 'id'))],
          4: [L, (a) => (addr = boundedString(a, MAX_MULTIADDR_LENGTH, 'multiaddr'))],
        });
        if (!addr || peerIdOfMultiaddr(addr) !== id) {
          throw new DecodeError('ErrBadAddress', `address ${index} is not a multiaddr ending in /p2p/${id || '<id>'}`, { field: 'addrs', index });
        }
        addrs.push(addr);
      },
    ],
  });
  return { kind, addrs };
}

/** What the reactor needs of the transport. */
export interface Discovery {
  /** Our own peer id (never dialled, never handed out). */
  readonly selfId: string;
  /** A connected peer's listen addresses, each ending in /p2p/<its id>. */
  addrsOf(peerId: string): string[];
  /** Connects once; rejects when it cannot. */
  dial(addr: string): Promise<void>;
  /** Peers connected or being admitted (the count the transport's max applies to). */
  connectedCount(): number;
}

export interface PexReactorOptions {
  /** Dial learned addresses while below this many peers (CometBFT's max_num_outbound_peers: 10). */
  targetPeers?: number;
  /** Least time between two asks of one peer; a peer asking faster than half of it is stopped. */
  requestIntervalMs?: number;
  /** Asks that bring nothing new back off to this interval. */
  maxRequestIntervalMs?: number;
  /** Peers remembered in the address book. */
  maxBookPeers?: number;
  /** Consecutive failed dials after which a peer is forgotten. */
  maxDialFailures?: number;
  random?: () => number;
}

interface PexPeer {
  awaiting: boolean;
  nextAskAt: number;
  askInterval: number;
  /** Token bucket for its asks: BURST, refilled one per requestIntervalMs / 2. */
  tokens: number;
  refilledAt: number;
}

interface BookEntry {
  addrs: string[];
  failures: number;
  nextDialAt: number;
}

const BURST = 3;
const ADDRS_PER_PEER = 4;
const DIAL_BACKOFF_MS = 1000;
const MAX_DIAL_BACKOFF_MS = 60_000;

export class PexReactor implements Reactor {
  readonly channels = [PEX_CHANNEL_ID] as const;
  private readonly peers = new Map<string, PexPeer>();
  /** Known addresses by peer id; Map order is age, the oldest is forgotten first. */
  private readonly book = new Map<string, BookEntry>();
  private readonly dialing = new Set<string>();
  private readonly target: number;
  private readonly interval: number;
  private readonly maxInterval: number;
  private readonly maxBook: number;
  private readonly maxFailures: number;
  private readonly random: () => number;
  private timer: TimerHandle | null = null;
  private running = false;

  constructor(
    private readonly discovery: Discovery,
    private readonly sender: PeerSender,
    private readonly clock: Clock & Scheduler,
    o: PexReactorOptions = {},
  ) {
    this.target = o.targetPeers ?? 10;
    this.interval = o.requestIntervalMs ?? 2000;
    // short: we only ask while short of peers, and tabs that join together learn of each other
    // only through the hub, a few seconds after each connects
    this.maxInterval = o.maxRequestIntervalMs ?? 8_000;
    this.maxBook = o.maxBookPeers ?? 1000;
    this.maxFailures = o.maxDialFailures ?? 10;
    this.random = o.random ?? Math.random;
  }

  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
  }

  /** Peer ids in the address book (for tests and logs). */
  known(): string[] {
    return [...this.book.keys()];
  }

  addPeer(peerId: string): void {
    const now = this.clock.now();
    const peer: PexPeer = { awaiting: false, nextAskAt: now, askInterval: this.interval, tokens: BURST, refilledAt: now };
    this.peers.set(peerId, peer);
    // its own addresses too: if the link drops, either side can dial the other again
    for (const a of this.discovery.addrsOf(peerId).slice(0, ADDRS_PER_PEER)) if (peerIdOfMultiaddr(a) === peerId) this.learn(a);
    const entry = this.book.get(peerId);
    if (entry) {
      entry.failures = 0;
      entry.nextDialAt = 0;
    }
    // a new peer is the best moment to learn about others (CometBFT asks outbound peers at once)
    if (this.discovery.connectedCount() < this.target) this.ask(peerId, peer, now);
  }

  removePeer(peerId: string): void {
    if (!this.peers.delete(peerId)) return;
    // one fewer: look for others soon, however quiet the asks had become
    for (const p of this.peers.values()) {
      p.askInterval = this.interval;
      p.nextAskAt = Math.min(p.nextAskAt, this.clock.now() + this.interval);
    }
  }

  receive(channel: number, peerId: string, bytes: Uint8Array): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    let msg: PexMessage;
    try {
      msg = decodePexMessage(bytes);
    } catch (e) {
      const why = e instanceof PrevoteError ? `${e.code}: ${e.message}` : String(e);
      return this.drop(peerId, `malformed message on channel 0x${channel.toString(16).padStart(2, '0')}: ${why}`);
    }
    if (msg.kind === 'PexRequest') return this.answer(peerId, peer);
    if (!peer.awaiting) return this.drop(peerId, 'unsolicited PexAddrs');
    peer.awaiting = false;
    let fresh = 0;
    for (const addr of msg.addrs) if (this.learn(addr)) fresh++;
    // nothing new: this peer's view is stable, ask it less often
    peer.askInterval = fresh > 0 ? this.interval : Math.min(this.maxInterval, peer.askInterval * 2);
    peer.nextAskAt = this.clock.now() + peer.askInterval;
    // dial after a short random wait: two nodes told of each other at once rarely dial both ways
    if (fresh > 0) this.clock.after(this.random() * 500, () => this.dialSome());
  }

  private drop(peerId: string, reason: string): void {
    this.peers.delete(peerId);
    this.sender.stopPeerForError(peerId, reason);
  }

  private answer(peerId: string, peer: PexPeer): void {
    const now = this.clock.now();
    const refill = Math.floor((now - peer.refilledAt) / (this.interval / 2));
    if (refill > 0) {
      peer.tokens = Math.min(BURST, peer.tokens + refill);
      peer.refilledAt += refill * (this.interval / 2);
    }
    if (peer.tokens === 0) return this.drop(peerId, `PexRequest more often than every ${this.interval / 2} ms`);
    peer.tokens--;
    const addrs: string[] = [];
    for (const other of this.shuffled([...this.peers.keys()])) {
      if (other === peerId) continue;
      const own = this.discovery.addrsOf(other).filter((a) => peerIdOfMultiaddr(a) === other);
      addrs.push(...own.slice(0, Math.min(ADDRS_PER_PEER, MAX_PEX_ADDRS - addrs.length)));
      if (addrs.length >= MAX_PEX_ADDRS) break;
    }
    this.sender.send(peerId, PEX_CHANNEL_ID, encodePexMessage({ kind: 'PexAddrs', addrs }));
  }

  private ask(peerId: string, peer: PexPeer, now: number): void {
    if (!this.sender.send(peerId, PEX_CHANNEL_ID, encodePexMessage({ kind: 'PexRequest' }))) return;
    peer.awaiting = true;
    peer.nextAskAt = now + peer.askInterval;
  }

  /** Adds an address to the book; true when it was new. */
  private learn(addr: string): boolean {
    const id = peerIdOfMultiaddr(addr)!;
    if (id === this.discovery.selfId) return false;
    let entry = this.book.get(id);
    if (entry?.addrs.includes(addr)) return false;
    if (!entry) {
      if (this.book.size >= this.maxBook) this.forgetOne();
      entry = { addrs: [], failures: 0, nextDialAt: 0 };
      this.book.set(id, entry);
    }
    entry.addrs.unshift(addr); // newest first: the most likely to work
    entry.addrs.length = Math.min(entry.addrs.length, ADDRS_PER_PEER);
    return true;
  }

  /** Makes room: the oldest entry that is neither connected nor being dialled. */
  private forgetOne(): void {
    for (const id of this.book.keys()) {
      if (!this.peers.has(id) && !this.dialing.has(id)) {
        this.book.delete(id);
        return;
      }
    }
  }

  private schedule(): void {
    if (!this.running) return;
    // jittered, so that nodes started together do not ask and dial in lockstep
    this.timer = this.clock.after(this.interval * (0.75 + this.random() / 2), () => {
      this.tick();
      this.schedule();
    });
  }

  private tick(): void {
    if (this.discovery.connectedCount() >= this.target) return;
    const now = this.clock.now();
    const due = [...this.peers].filter(([, p]) => !p.awaiting && p.nextAskAt <= now);
    if (due.length > 0) {
      const [id, p] = due[Math.floor(this.random() * due.length)];
      this.ask(id, p, now);
    }
    this.dialSome();
  }

  /** Dials book entries we are not connected to, up to the target. */
  private dialSome(): void {
    if (!this.running) return;
    const now = this.clock.now();
    let room = this.target - this.discovery.connectedCount() - this.dialing.size;
    const candidates = [...this.book].filter(([id, e]) => !this.peers.has(id) && !this.dialing.has(id) && e.nextDialAt <= now);
    for (const [id, entry] of this.shuffled(candidates)) {
      if (room-- <= 0) return;
      void this.dial(id, entry);
    }
  }

  /**
   * Tries a peer's addresses in turn. Every dial counts as a failure until the transport announces
   * the peer (addPeer resets the count): a node that takes the connection and then refuses us, being
   * full, backs off and is forgotten like one that does not answer.
   */
  private async dial(id: string, entry: BookEntry): Promise<void> {
    this.dialing.add(id);
    for (const addr of [...entry.addrs]) {
      try {
        await this.discovery.dial(addr);
        break;
      } catch {
        // the next address, if any
      }
      if (!this.running) break;
    }
    this.dialing.delete(id);
    if (this.peers.has(id)) return;
    entry.failures++;
    if (entry.failures >= this.maxFailures) this.book.delete(id);
    else entry.nextDialAt = this.clock.now() + Math.min(MAX_DIAL_BACKOFF_MS, DIAL_BACKOFF_MS * 2 ** (entry.failures - 1));
  }

  private shuffled<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }
}
