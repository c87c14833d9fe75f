// The simulated network. Every message really is encoded to protobuf bytes and decoded at the
// receiver, and travels over a link with a delay drawn from its range (in order per link, like a
// stream), a drop rate, and partitions that may cut it. Two transports share the links:
//   - gossip (default): each node's Switch talks to its topology neighbours over per-peer,
//     per-channel byte messages (the PeerTransport libp2p implements too);
//   - direct: every message a node broadcasts goes straight to every other node (the simplest
//     model of the consensus algorithm, without the reactor).
import type { StateMessage } from '../core/consensus/io.js';
import type { ConsensusMessage } from '../core/encoding/messages.js';
import { decodeMessage, decodeMessageShared, encodeMessage, encodeMessageShared } from '../core/encoding/messages.js';
import { MEMPOOL_CHANNEL_ID } from '../node/mempool-reactor.js';
import type { PeerTransport, TransportHandler } from '../node/switch.js';
import type { ReusableTimer, VirtualClock } from './clock.js';
import type { Prng } from './prng.js';
import type { Topology } from './topology.js';
import { topologyEdges } from './topology.js';

export interface LinkConfig {
  delayMin: number; // ms
  delayMax: number; // ms
  dropRate: number; // 0..1
}

export const DEFAULT_LINK: LinkConfig = { delayMin: 10, delayMax: 50, dropRate: 0 };

/** How long a gossip connection that broke stays down before the peers have redialled (ms). */
const RECONNECT_MS = 500;

export interface NetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
  bytes: number;
  byKind: Record<string, number>;
  deliveredByKind: Record<string, number>;
  /** Peers dropped by a reactor for misbehaviour (gossip only). */
  disconnects: { from: string; peer: string; reason: string }[];
}

/**
 * Byzantine hooks: for messages from a sender it applies to, says what goes out instead (none,
 * the message, or others). Only consensus-state messages (votes, proposals, parts) are offered.
 */
export interface OutboundFilter {
  appliesTo(from: string): boolean;
  apply(from: string, to: string, msg: StateMessage): StateMessage[];
}

type DirectReceiver = (msg: StateMessage, from: string) => void;

const isStateMessage = (m: ConsensusMessage): m is StateMessage => m.kind === 'Vote' || m.kind === 'Proposal' || m.kind === 'BlockPart';

export class SimNetwork {
  private readonly direct = new Map<string, DirectReceiver>();
  /** directLinksOf, kept until a node attaches or leaves */
  private readonly directLinks = new Map<string, Link[]>();
  private readonly switches = new Map<string, TransportHandler>();
  private groups: Map<string, number> | null = null;
  /** The partition in force, as given (for views). */
  partitionGroups: string[][] | null = null;
  private readonly isolated = new Set<string>();
  /** Per link ("a>b"): its messages in flight, in order. */
  private readonly links = new Map<string, Map<string, Link>>();
  /** Direct transport: each sender's messages of its latest two heights, re-sent on healing. */
  private readonly recent = new Map<string, StateMessage[]>();
  /** Gossip transport: topology edges (the live connections among them: their links' `connected`). */
  private edges: [string, string][] = [];
  readonly filters: OutboundFilter[] = [];
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0, bytes: 0, byKind: {}, deliveredByKind: {}, disconnects: [] };
  /** Called for every send, for views that draw messages in flight. */
  onSend: ((from: string, to: string, kind: string, deliverAt: number | null) => void) | null = null;

  constructor(
    private readonly clock: VirtualClock,
    private readonly prng: Prng,
    public defaultLink: LinkConfig = DEFAULT_LINK,
  ) {}

  // ---- membership ---------------------------------------------------------------------------

  /** Gossip: lays out which nodes are peers (seeded for random topologies). */
  setTopology(names: string[], topology: Topology): void {
    this.edges = topologyEdges(names, topology, this.prng.fork());
  }

  /** Gossip: the topology's edges (each connection, up or not), as pairs of names. */
  connections(): [string, string][] {
    return this.edges.map(([a, b]) => [a, b]);
  }

  peersOf(name: string): string[] {
    return this.edges.flatMap(([a, b]) => (a === name ? [b] : b === name ? [a] : []));
  }

  attachDirect(name: string, receive: DirectReceiver): void {
    this.direct.set(name, receive);
    this.directLinks.clear();
  }

  /** Gossip: a node's switch joins; connections to its topology neighbours come up. */
  attachSwitch(name: string, sw: TransportHandler): void {
    this.switches.set(name, sw);
    this.reconnect();
  }

  detach(name: string): void {
    this.direct.delete(name);
    this.directLinks.clear();
    if (!this.switches.has(name)) return;
    for (const peer of this.peersOf(name)) this.hangUp(name, peer, 'crashed');
    this.switches.delete(name);
  }

  /** The PeerTransport of one node's switch. */
  transportFor(name: string): PeerTransport {
    return {
      send: (peer, channel, bytes) => {
        const l = this.link(name, peer);
        if (!l.connected) return false;
        this.sendBytes(l, channel, bytes);
        return true;
      },
      disconnect: (peer, reason) => {
        this.stats.disconnects.push({ from: name, peer, reason });
        this.hangUp(name, peer, reason);
      },
    };
  }

  setLink(from: string, to: string, link: Partial<LinkConfig>): void {
    this.link(from, to).override = link;
  }

  /**
   * Groups that can talk only among themselves; null heals every partition. Gossip connections
   * across the cut drop (as TCP connections would) and come back on healing with fresh peer
   * state. Direct delivery has no gossip to repair what a cut lost, so on healing every node
   * re-sends its recent messages, as the reactor's catch-up would.
   */
  partition(groups: string[][] | null): void {
    this.partitionGroups = groups;
    this.groups = groups ? new Map(groups.flatMap((g, i) => g.map((n) => [n, i] as const))) : null;
    for (const [a, b] of this.edges) if (!this.canTalk(a, b)) this.hangUp(a, b, 'partitioned');
    this.reconnect();
    if (!groups) this.resendRecent();
  }

  /**
   * Direct delivery: every sender's recent messages go out again (to one node, or to all). The
   * algorithm assumes links that deliver eventually; with no gossip to repair what a partition,
   * a silence, a lossy link or a crash lost, the simulator re-sends when the fault ends, as the
   * reactor's catch-up would.
   */
  resendRecent(to?: string): void {
    for (const [from, msgs] of this.recent) {
      if (from === to) continue;
      for (const msg of msgs) {
        if (to === undefined) this.broadcastDirect(from, msg, false);
        else for (const m of this.filtered(from, to, msg)) this.sendBytes(this.link(from, to), 0, encodeMessage(m));
      }
    }
  }

  /** Cuts (or restores) every link of one node: a silenced node, as its peers see it. */
  isolate(name: string, cut: boolean): void {
    if (cut) this.isolated.add(name);
    else this.isolated.delete(name);
    for (const [a, b] of this.edges) if (!this.canTalk(a, b)) this.hangUp(a, b, 'isolated');
    this.reconnect();
  }

  canTalk(a: string, b: string): boolean {
    if (this.isolated.size === 0 && !this.groups) return true; // no fault in force: every message asks
    if (this.isolated.has(a) || this.isolated.has(b)) return false;
    if (!this.groups) return true;
    const ga = this.groups.get(a);
    const gb = this.groups.get(b);
    return ga === undefined || gb === undefined || ga === gb;
  }

  private reconnect(): void {
    for (const [a, b] of this.edges) {
      const sa = this.switches.get(a);
      const sb = this.switches.get(b);
      const [ab, ba] = [this.link(a, b), this.link(b, a)];
      if (!sa || !sb || ab.connected || !this.canTalk(a, b)) continue;
      ab.connected = ba.connected = true;
      sa.peerConnected(b);
      // What a says on hearing of b (its NewRoundStep) may be lost, and a lost message breaks the
      // connection at once (transmit): then b must not hear of a connection that is already gone.
      // Its switch would count a as a peer the network has closed, ignore the next peerConnected
      // as a duplicate, and never announce itself again: a keeps a fresh PeerState of b, at no
      // height, and gossips b nothing (found by the soak: seed 882996227, n3 stuck at height 2).
      if (ba.connected) sb.peerConnected(a);
    }
  }

  private hangUp(a: string, b: string, reason: string): void {
    const ab = this.link(a, b);
    if (!ab.connected) return;
    ab.connected = this.link(b, a).connected = false;
    this.switches.get(a)?.peerDisconnected(b, reason);
    this.switches.get(b)?.peerDisconnected(a, reason);
  }

  // ---- direct transport ---------------------------------------------------------------------

  broadcastDirect(from: string, msg: StateMessage, remember = true): void {
    if (remember) this.remember(from, msg);
    // Encoded once for every recipient (each still decodes its own copy); only a Byzantine
    // sender's filters may say something different to each peer.
    const filteredSender = this.filters.some((f) => f.appliesTo(from));
    const bytes = filteredSender ? null : encodeMessageShared(msg); // made here: receivers need not re-encode a vote to check it
    const links = this.directLinksOf(from);
    for (let i = 0; i < links.length; i++) {
      const l = links[i];
      if (bytes) this.sendBytes(l, 0, bytes);
      else for (const m of this.filtered(from, l.to, msg)) this.sendBytes(l, 0, encodeMessage(m));
    }
  }

  /** Direct transport: a sender's links to every other attached node, in the order they attached. */
  private directLinksOf(from: string): Link[] {
    let links = this.directLinks.get(from);
    if (!links) this.directLinks.set(from, (links = [...this.direct.keys()].filter((to) => to !== from).map((to) => this.link(from, to))));
    return links;
  }

  /** Direct delivery of one message to one node, past any filter (a correct node relaying). */
  sendDirect(from: string, to: string, msg: StateMessage): void {
    this.transmit(this.link(from, to), 0, encodeMessage(msg), msg.kind);
  }

  /** Keeps a sender's messages of its latest two heights (the current one and its LastCommit). */
  private remember(from: string, msg: StateMessage): void {
    const h = heightOf(msg);
    const kept = (this.recent.get(from) ?? []).filter((m) => heightOf(m) >= h - 1);
    kept.push(msg);
    this.recent.set(from, kept);
  }

  private filtered(from: string, to: string, msg: StateMessage): StateMessage[] {
    let msgs = [msg];
    for (const f of this.filters) if (f.appliesTo(from)) msgs = msgs.flatMap((m) => f.apply(from, to, m));
    return msgs;
  }

  // ---- links --------------------------------------------------------------------------------

  private sendBytes(l: Link, channel: number, bytes: Uint8Array): void {
    // Byzantine senders get their votes, proposals and parts rewritten on the way out; the mempool's
    // channel carries no consensus message and passes untouched.
    if (channel !== 0 && channel !== MEMPOOL_CHANNEL_ID && this.filters.some((f) => f.appliesTo(l.from))) {
      const msg = decodeMessage(bytes);
      if (isStateMessage(msg)) {
        const out = this.filtered(l.from, l.to, msg);
        if (out.length === 0) this.countDrop(l.from, l.to, msg.kind);
        for (const m of out) this.transmit(l, channel, encodeMessage(m), m.kind);
        return;
      }
    }
    this.transmit(l, channel, bytes, null);
  }

  private countDelivery(kind: string): void {
    this.stats.delivered++;
    this.stats.deliveredByKind[kind] = (this.stats.deliveredByKind[kind] ?? 0) + 1;
  }

  private countDrop(from: string, to: string, kind: string): void {
    this.stats.sent++;
    this.stats.dropped++;
    this.onSend?.(from, to, kind, null);
  }

  private link(from: string, to: string): Link {
    let byTo = this.links.get(from);
    if (!byTo) this.links.set(from, (byTo = new Map()));
    let l = byTo.get(to);
    if (!l) {
      const made: Link = { from, to, override: null, connected: false, lastDelivery: 0, queue: [], head: 0, tail: 0, headTimer: this.clock.reusable(() => this.deliverHead(made)) };
      byTo.set(to, (l = made));
    }
    return l;
  }

  private transmit(l: Link, channel: number, bytes: Uint8Array, knownKind: string | null): void {
    const { from, to } = l;
    const link = l.override ? { ...this.defaultLink, ...l.override } : this.defaultLink;
    const kind = knownKind ?? (channel === MEMPOOL_CHANNEL_ID ? 'Txs' : kindOf(bytes));
    if (!this.canTalk(from, to)) return this.countDrop(from, to, kind);
    if (this.prng.chance(link.dropRate)) {
      this.countDrop(from, to, kind);
      // A stream never loses a message silently: the connection breaks, both sides drop the peer
      // and redial, and gossip starts over from fresh PeerStates (a peer that believed a lost
      // vote or part delivered would otherwise never send it again).
      if (channel !== 0 && l.connected) {
        this.hangUp(from, to, 'connection lost');
        this.clock.after(RECONNECT_MS, () => this.reconnect());
      }
      return;
    }
    this.stats.sent++;
    this.stats.bytes += bytes.length;
    this.stats.byKind[kind] = (this.stats.byKind[kind] ?? 0) + 1;
    const now = this.clock.now();
    const deliverAt = Math.max(now + this.prng.range(link.delayMin, link.delayMax), l.lastDelivery);
    l.lastDelivery = deliverAt;
    this.onSend?.(from, to, kind, deliverAt);
    // A link is a stream: its messages arrive in order, so only its first one waits on the clock,
    // holding the place in the firing order each took when sent (runs fire exactly as if every
    // message had its own timer, with a timer queue a hundred times shorter at 100 validators).
    // One due now with nothing ahead of it on its link needs no place in the timer queue at all.
    if (deliverAt === now && l.head === l.tail) return this.clock.soon(this.deliverNow, { link: l, at: now, seq: 0, channel, bytes, kind });
    l.queue[l.tail++] = this.inFlight(l, deliverAt, this.clock.ticket(), channel, bytes, kind);
    if (l.tail - l.head === 1) this.scheduleHead(l);
  }

  /**
   * Records of delivered queued messages, to be used again: one was made per message (a million a
   * minute at 100 validators), and each lived long enough in its queue to be promoted and collected
   * as old garbage. A message delivered at once (`soon`) keeps a fresh record: it dies young.
   */
  private readonly spare: InFlight[] = [];

  private inFlight(link: Link, at: number, seq: number, channel: number, bytes: Uint8Array, kind: string): InFlight {
    const m = this.spare.pop();
    if (!m) return { link, at, seq, channel, bytes, kind };
    m.link = link;
    m.at = at;
    m.seq = seq;
    m.channel = channel;
    m.bytes = bytes;
    m.kind = kind;
    return m;
  }

  private readonly deliverNow = (m: InFlight) => this.deliver(m.link, m.channel, m.bytes, m.kind);

  private scheduleHead(l: Link): void {
    const m = l.queue[l.head];
    this.clock.atTicket(m.at, m.seq, l.headTimer);
  }

  private deliverHead(l: Link): void {
    const m = l.queue[l.head];
    l.queue[l.head++] = EMPTY_SLOT;
    // an emptied queue starts over in the same array: truncating it gave its storage back, and
    // the next message (nearly every message, at 100 validators) allocated it again
    if (l.head === l.tail) l.head = l.tail = 0;
    else this.scheduleHead(l);
    const { channel, bytes, kind } = m;
    m.bytes = EMPTY_SLOT.bytes; // the spare record does not keep the bytes alive
    this.spare.push(m);
    this.deliver(l, channel, bytes, kind);
  }

  private deliver(l: Link, channel: number, bytes: Uint8Array, kind: string): void {
    // a partition or crash that happened while the message was in flight also cuts it
    if (!this.canTalk(l.from, l.to)) {
      this.stats.dropped++;
      return;
    }
    const sw = this.switches.get(l.to);
    if (channel !== 0 && sw && l.connected) {
      this.countDelivery(kind);
      return sw.receive(l.from, channel, bytes);
    }
    const receive = this.direct.get(l.to);
    if (channel === 0 && receive) {
      this.countDelivery(kind);
      return receive(decodeMessageShared(bytes) as StateMessage, l.from); // one broadcast's bytes: decoded once for all
    }
    this.stats.dropped++;
  }
}

/** A delivered message's place in its link's queue (so that its bytes are not kept alive). */
const EMPTY_SLOT = { at: 0, seq: 0, channel: 0, bytes: new Uint8Array(0), kind: '' } as InFlight;

interface InFlight {
  link: Link;
  at: number;
  seq: number;
  channel: number;
  bytes: Uint8Array;
  kind: string;
}

interface Link {
  from: string;
  to: string;
  /** setLink's settings for this link, over the default */
  override: Partial<LinkConfig> | null;
  /** gossip: the connection from `from` to `to` is up */
  connected: boolean;
  /** the delivery time of its last message */
  lastDelivery: number;
  /** messages in flight: queue[head .. tail) */
  queue: InFlight[];
  head: number;
  tail: number;
  /** fires the first message in flight (one pending at a time) */
  headTimer: ReusableTimer;
}

function heightOf(msg: StateMessage): number {
  return msg.kind === 'Vote' ? msg.vote.height : msg.kind === 'Proposal' ? msg.proposal.height : msg.height;
}

/** The message kind from the oneof tag in the first byte (all tags here are single-byte). */
const KINDS = ['', 'NewRoundStep', 'NewValidBlock', 'Proposal', 'ProposalPOL', 'BlockPart', 'Vote', 'HasVote', 'VoteSetMaj23', 'VoteSetBits', 'HasProposalBlockPart'];
function kindOf(bytes: Uint8Array): string {
  return KINDS[bytes[0] >> 3] || 'unknown';
}
