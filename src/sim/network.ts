// The simulated network: every consensus message really is encoded to protobuf bytes and decoded
// at the receiver (so the codec is exercised), and travels over a link with a delay drawn from
// its range (in order per link), a drop rate, and a partition that may cut it. Direct delivery to every peer: the
// gossip reactor replaces this later behind the same ConsensusNetwork interface.
import type { StateMessage } from '../core/consensus/io.js';
import { decodeMessage, encodeMessage } from '../core/encoding/messages.js';
import type { VirtualClock } from './clock.js';
import type { Prng } from './prng.js';

export interface LinkConfig {
  delayMin: number; // ms
  delayMax: number; // ms
  dropRate: number; // 0..1
}

export const DEFAULT_LINK: LinkConfig = { delayMin: 10, delayMax: 50, dropRate: 0 };

export interface NetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
  bytes: number;
  byKind: Record<string, number>;
}

/** Looks at each message a node sends to a peer and says what goes out instead (none, it, others): Byzantine hooks. */
export type OutboundFilter = (from: string, to: string, msg: StateMessage) => StateMessage[];

export class SimNetwork {
  private readonly receivers = new Map<string, (msg: StateMessage, from: string) => void>();
  private readonly overrides = new Map<string, Partial<LinkConfig>>();
  private groups: Map<string, number> | null = null;
  /** Per-link delivery time of the last message: links are ordered streams, like libp2p's. */
  private readonly lastDelivery = new Map<string, number>();
  private readonly recent = new Map<string, StateMessage[]>();
  readonly filters: OutboundFilter[] = [];
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0, bytes: 0, byKind: {} };
  /** Called for every send, for views that draw messages in flight. */
  onSend: ((from: string, to: string, msg: StateMessage, deliverAt: number | null) => void) | null = null;

  constructor(
    private readonly clock: VirtualClock,
    private readonly prng: Prng,
    public defaultLink: LinkConfig = DEFAULT_LINK,
  ) {}

  attach(name: string, receive: (msg: StateMessage, from: string) => void): void {
    this.receivers.set(name, receive);
  }

  detach(name: string): void {
    this.receivers.delete(name);
  }

  get names(): string[] {
    return [...this.receivers.keys()];
  }

  setLink(from: string, to: string, link: Partial<LinkConfig>): void {
    this.overrides.set(`${from}>${to}`, link);
  }

  /**
   * Groups that can talk only among themselves; null heals every partition. Direct delivery has
   * no gossip to repair what a cut lost, so on healing every node re-sends its recent messages
   * to each peer, as the reactor's catch-up would after peers reconnect.
   */
  partition(groups: string[][] | null): void {
    this.groups = groups ? new Map(groups.flatMap((g, i) => g.map((n) => [n, i] as const))) : null;
    if (groups) return;
    for (const [from, msgs] of this.recent) for (const msg of msgs) this.broadcast(from, msg, false);
  }

  canTalk(a: string, b: string): boolean {
    if (!this.groups) return true;
    const ga = this.groups.get(a);
    const gb = this.groups.get(b);
    return ga === undefined || gb === undefined || ga === gb;
  }

  broadcast(from: string, msg: StateMessage, remember = true): void {
    if (remember) this.remember(from, msg);
    for (const to of this.receivers.keys()) if (to !== from) this.send(from, to, msg);
  }

  /** Keeps a sender's messages of its latest two heights (the current one and its LastCommit). */
  private remember(from: string, msg: StateMessage): void {
    const h = heightOf(msg);
    const kept = (this.recent.get(from) ?? []).filter((m) => heightOf(m) >= h - 1);
    kept.push(msg);
    this.recent.set(from, kept);
  }

  send(from: string, to: string, original: StateMessage): void {
    let msgs = [original];
    for (const f of this.filters) msgs = msgs.flatMap((m) => f(from, to, m));
    if (msgs.length === 0) {
      this.stats.sent++;
      this.stats.dropped++;
      this.onSend?.(from, to, original, null);
    }
    for (const msg of msgs) this.transmit(from, to, msg);
  }

  private transmit(from: string, to: string, msg: StateMessage): void {
    this.stats.sent++;
    const link = { ...this.defaultLink, ...this.overrides.get(`${from}>${to}`) };
    if (!this.canTalk(from, to) || this.prng.chance(link.dropRate)) {
      this.stats.dropped++;
      this.onSend?.(from, to, msg, null);
      return;
    }
    const bytes = encodeMessage(msg);
    this.stats.bytes += bytes.length;
    this.stats.byKind[msg.kind] = (this.stats.byKind[msg.kind] ?? 0) + 1;
    const key = `${from}>${to}`;
    const deliverAt = Math.max(this.clock.now() + this.prng.range(link.delayMin, link.delayMax), this.lastDelivery.get(key) ?? 0);
    this.lastDelivery.set(key, deliverAt);
    this.onSend?.(from, to, msg, deliverAt);
    this.clock.after(deliverAt - this.clock.now(), () => {
      const receive = this.receivers.get(to);
      // a partition that started while the message was in flight also cuts it
      if (!receive || !this.canTalk(from, to)) {
        this.stats.dropped++;
        return;
      }
      this.stats.delivered++;
      receive(decodeMessage(bytes) as StateMessage, from);
    });
  }
}

function heightOf(msg: StateMessage): number {
  return msg.kind === 'Vote' ? msg.vote.height : msg.kind === 'Proposal' ? msg.proposal.height : msg.height;
}
