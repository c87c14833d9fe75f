// When a vote we relay may go to each peer (issue 16). Pure: the driver passes the time and
// the random source.
//
// Plain flooding sends every new vote at once to each peer not known to have it. A node's
// neighbours then race each other, and the HasVote that would cancel a send arrives a link delay
// too late: about 1 − 1/(d−1) of all vote deliveries are duplicates. Here:
//  - our own votes, and votes we hold no arrival record for (catch-up from the block store, a
//    restart), go out at once;
//  - a vote we relay goes at once to the peers that are *eager* for its validator, and to the
//    others only after a jittered hold (a few link delays), so that the HasVote of a
//    neighbour that got it elsewhere arrives first and cancels the send;
//  - eager edges are learnt per (peer, validator) as in Plumtree: sending a vote makes the peer
//    eager for that validator; a HasVote for it coming back after our send says another path
//    was faster, and makes it lazy again. A peer that got the vote first from us sends no HasVote
//    back to us, so each node keeps about one eager in-edge per validator: a fast tree per
//    validator, with the hold on every other edge as the fallback when a tree edge is slow or
//    cut. PeerState stays the only truth about what a peer has; this only times the sends.
//
// For that signal to work, HasVote goes to every peer except the one whose copy we took first
// (CometBFT broadcasts it to all): a neighbour that announced the vote to us must still learn
// that we have it, or it relays it to us later.
import type { RandInt } from '../bits/bit-array.js';
import { BitArray } from '../bits/bit-array.js';

export interface RelayTiming {
  /** ms: least time a relayed vote waits before it goes to a lazy peer */
  hold: number;
  /** ms: uniform extra wait on top of `hold`, drawn once per vote */
  jitter: number;
}

/**
 * Measured with `npm run bench -- gossip` (links 5–20 ms, random 8-regular): duplicate vote
 * deliveries at N=64 fall from 85% to about 26% in the first height and below 20% once the
 * eager trees are learnt; the first height commits about 0.3 s later, later heights as fast as
 * flooding. A shorter hold trades duplicates for first-height latency (30 + 60: 37%).
 */
export const DEFAULT_RELAY_TIMING: RelayTiming = { hold: 30, jitter: 120 };
/** Every relayed vote goes at once. */
export const FLOODING: RelayTiming = { hold: 0, jitter: 0 };

interface Slot {
  /** the peer whose copy reached us first ('' = none recorded) */
  sender: string[];
  /** ms: when the vote may go to lazy peers (0 = at once) */
  releaseAt: Float64Array;
}

interface PeerRelay {
  /** by validator index: send its votes at once */
  eager: Uint8Array;
  /** votes we sent this peer, by height, then slot key */
  sent: Map<number, Map<number, BitArray>>;
}

/** A (round, type) slot as one number: types are 1 and 2 (and 32 for proposals), below 64. */
const slotKey = (round: number, type: number) => round * 64 + type;

export class VoteRelay {
  private readonly slots = new Map<number, Map<number, Slot>>();
  private readonly peers = new Map<string, PeerRelay>();

  constructor(private readonly timing: RelayTiming = DEFAULT_RELAY_TIMING) {}

  /** A vote new to us arrived from `peerId` at `now`: note the first sender and draw its hold. */
  noteArrival(peerId: string, height: number, round: number, type: number, index: number, size: number, now: number, randInt: RandInt): void {
    // no slot for a set of unknown size (a vote of a height we hold no validator set for)
    const slot = this.slot(height, round, type, size, true);
    if (!slot || index >= slot.sender.length || slot.sender[index] !== '') return;
    slot.sender[index] = peerId;
    const jitter = this.timing.jitter > 0 ? randInt(Math.floor(this.timing.jitter) + 1) : 0;
    slot.releaseAt[index] = now + this.timing.hold + jitter;
  }

  /** The peer whose copy of the vote reached us first, or null (our own vote, or unknown). */
  firstSender(height: number, round: number, type: number, index: number): string | null {
    const s = this.slot(height, round, type, 0, false)?.sender[index];
    return s ? s : null;
  }

  /** ms: when the vote may go to this peer (≤ now: at once). */
  readyAt(peerId: string, height: number, round: number, type: number, index: number): number {
    return this.isEager(peerId, index) ? 0 : this.releaseAt(height, round, type, index);
  }

  /** ms: when the vote may go to a lazy peer (0: at once); readyAt for many peers looks it up once. */
  releaseAt(height: number, round: number, type: number, index: number): number {
    const slot = this.slot(height, round, type, 0, false);
    return slot && index < slot.releaseAt.length ? slot.releaseAt[index] : 0;
  }

  /** Whether votes of validator `index` go to this peer at once (it first brought us one). */
  isEager(peerId: string, index: number): boolean {
    return this.peers.get(peerId)?.eager[index] === 1;
  }

  /**
   * Clears from `lacking` (the votes of one set the peer lacks) those that must still wait at
   * `now`, and returns when the first of them may go (Infinity: none wait). One call per set, as
   * a gossip pass asks this of every set it offers.
   */
  holdBack(peerId: string, height: number, round: number, type: number, lacking: BitArray, now: number): number {
    const slot = this.slot(height, round, type, 0, false);
    if (!slot) return Infinity;
    const release = slot.releaseAt;
    const eager = this.peers.get(peerId)?.eager;
    let first = Infinity;
    lacking.clearWhen((i) => {
      if (i >= release.length || (eager && eager[i]) || release[i] <= now) return false;
      if (release[i] < first) first = release[i];
      return true;
    });
    return first;
  }

  /** We sent the vote to the peer: graft (eager for its validator) until a HasVote says otherwise. */
  noteSent(peerId: string, height: number, round: number, type: number, index: number, size: number): void {
    const p = this.peer(peerId, size);
    p.eager[index] = 1;
    let byHeight = p.sent.get(height);
    if (!byHeight) p.sent.set(height, (byHeight = new Map()));
    const key = slotKey(round, type);
    let bits = byHeight.get(key);
    if (!bits) byHeight.set(key, (bits = new BitArray(size)));
    bits.set(index, true);
  }

  /** The peer says it has the vote: if we had sent it, our copy was not its first (prune). */
  noteHasVote(peerId: string, height: number, round: number, type: number, index: number): void {
    const p = this.peers.get(peerId);
    // most HasVotes come from peers already lazy for the validator: nothing to look up then
    if (p && p.eager[index] && p.sent.get(height)?.get(slotKey(round, type))?.get(index)) p.eager[index] = 0;
  }

  removePeer(peerId: string): void {
    this.peers.delete(peerId);
  }

  /** Forgets heights below `height - 1` (the current height and its LastCommit stay). */
  prune(height: number): void {
    for (const h of this.slots.keys()) if (h < height - 1) this.slots.delete(h);
    for (const p of this.peers.values()) for (const h of p.sent.keys()) if (h < height - 1) p.sent.delete(h);
  }

  private slot(height: number, round: number, type: number, size: number, create: boolean): Slot | null {
    let byHeight = this.slots.get(height);
    const key = slotKey(round, type);
    let slot = byHeight?.get(key) ?? null;
    if (slot || !create || size <= 0) return slot;
    if (!byHeight) this.slots.set(height, (byHeight = new Map()));
    slot = { sender: new Array<string>(size).fill(''), releaseAt: new Float64Array(size) };
    byHeight.set(key, slot);
    return slot;
  }

  private peer(peerId: string, size: number): PeerRelay {
    let p = this.peers.get(peerId);
    if (!p) this.peers.set(peerId, (p = { eager: new Uint8Array(size), sent: new Map() }));
    if (p.eager.length < size) {
      const grown = new Uint8Array(size);
      grown.set(p.eager);
      p.eager = grown;
    }
    return p;
  }
}
