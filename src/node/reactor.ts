// ConsensusReactor: the gossip layer around one ConsensusNode (spec §9). The choices are the
// pure functions of core/reactor; this file schedules them: per peer a gossip pass (data, then
// votes) and the maj23 queries, broadcasts on local events, and Receive with its disconnection
// rules.
//
// A peer's gossip sleeps until something it could send changes (issue 16): our RoundState (every
// engine step, announcement and own message), what the peer told us, a held vote's release time
// (vote-relay.ts), or a refused send (retried after `gossipSleep`, CometBFT's
// peer_gossip_sleep_duration). Kicks only mark peers; one pass over the marked peers runs per
// instant, and each pass sends everything sendable, so a step that adds many votes costs one
// pass per peer, not one timer per vote. The maj23 routine keeps its period and also kicks its
// peer, a backstop should a change ever reach us without a kick.
import type { Announcement, StateMessage } from '../core/consensus/io.js';
import type { Vote } from '../core/types.js';
import type { ConsensusMessage } from '../core/encoding/messages.js';
import { decodeMessageShared, encodeMessageShared } from '../core/encoding/messages.js';
import { PeerState } from '../core/reactor/peer-state.js';
import type { VoteHold } from '../core/reactor/peer-state.js';
import type { Outgoing } from '../core/reactor/gossip.js';
import { maj23Queries, missingPartsAnnouncement, pickDataToSend, pickVoteToSend } from '../core/reactor/gossip.js';
import type { RelayTiming } from '../core/reactor/vote-relay.js';
import { DEFAULT_RELAY_TIMING, VoteRelay } from '../core/reactor/vote-relay.js';
import { CHANNELS, channelOfKind, receive } from '../core/reactor/receive.js';
import type { BitArray, RandInt } from '../core/bits/bit-array.js';
import { PrevoteError } from '../core/errors.js';
import type { ConsensusNode } from './node.js';
import type { BlockStore, Clock, ConsensusNetwork, Scheduler, TimerHandle } from './ports.js';
import type { PeerSender, Reactor } from './switch.js';

export interface ReactorOptions {
  /** ms before a refused send is tried again (default 100) */
  gossipSleep?: number;
  queryMaj23Sleep?: number; // ms, default 2000
  /** How long relayed votes wait for lazy peers (default DEFAULT_RELAY_TIMING); hold 0 and jitter 0 flood. */
  relay?: Partial<RelayTiming>;
  /** Block-syncing: consensus is not running yet (§9.8a). */
  waitSync?: boolean;
}

export type ReactorEvent =
  | { type: 'peerUpdate'; peerId: string }
  | { type: 'peerDropped'; peerId: string; reason: string }
  | { type: 'messageIgnored'; peerId: string; reason: string };

interface Peer {
  ps: PeerState;
  /** marked for the next pass */
  dirty: boolean;
  /** the pass due at `wakeAt` (a held vote's release, or a retry) */
  wake: TimerHandle | null;
  wakeAt: number;
  maj23: TimerHandle | null;
}

/** Sends in one pass per routine before it yields to other work (a pass normally ends sooner). */
const MAX_SENDS_PER_PASS = 10_000;

/** Counters of the gossip driver (benchmarks). */
export interface GossipCounters {
  /** passes over one peer */
  passes: number;
  /** passes that sent nothing */
  idlePasses: number;
  timersScheduled: number;
  timersCancelled: number;
}

/** Messages that only tell us what the peer has: they never give it something new to receive. */
const TELLS_WHAT_PEER_HAS = new Set<ConsensusMessage['kind']>(['Vote', 'HasVote', 'BlockPart', 'HasProposalBlockPart']);

/** A gossip pass's relay holds: for one peer at one time, and the earliest release among them. */
class PassHolds implements VoteHold {
  private peerId = '';
  private now = 0;
  releaseAt = Infinity;

  constructor(private readonly relay: VoteRelay) {}

  start(peerId: string, now: number): void {
    this.peerId = peerId;
    this.now = now;
    this.releaseAt = Infinity;
  }

  holdBack(height: number, round: number, type: number, lacking: BitArray): void {
    const at = this.relay.holdBack(this.peerId, height, round, type, lacking, this.now);
    if (at < this.releaseAt) this.releaseAt = at;
  }
}

export class ConsensusReactor implements ConsensusNetwork, Reactor {
  readonly channels = CHANNELS;
  private readonly peers = new Map<string, Peer>();
  private readonly gossipSleep: number;
  private readonly queryMaj23Sleep: number;
  private waitSync: boolean;
  private readonly listeners = new Set<(ev: ReactorEvent) => void>();
  private readonly relay: VoteRelay;
  private flushTimer: TimerHandle | null = null;
  private readonly unsubscribe: () => void;
  /** Bytes and messages sent, by kind (benchmarks and views). */
  readonly sent: Record<string, { count: number; bytes: number }> = {};
  readonly counters: GossipCounters = { passes: 0, idlePasses: 0, timersScheduled: 0, timersCancelled: 0 };
  /** The relay holds of the gossip pass under way (one pass at a time; reused, as passes are many). */
  private readonly holds: PassHolds;

  constructor(
    private readonly node: ConsensusNode,
    private readonly blockStore: BlockStore,
    private readonly peerSender: PeerSender,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    private readonly randInt: RandInt,
    opts: ReactorOptions = {},
  ) {
    this.gossipSleep = opts.gossipSleep ?? 100;
    this.queryMaj23Sleep = opts.queryMaj23Sleep ?? 2000;
    this.waitSync = opts.waitSync ?? false;
    this.relay = new VoteRelay({ ...DEFAULT_RELAY_TIMING, ...opts.relay });
    this.holds = new PassHolds(this.relay);
    // every engine step may give a peer something to send (a proposal, a part, a vote, a step);
    // an added vote gives each peer at most that vote, so only the peers lacking it are woken
    this.unsubscribe = node.onEvent((ev) => {
      if (ev.type === 'Evidence') this.spreadEvidence(ev.evidence.voteA, ev.evidence.voteB);
      if (ev.type === 'Vote') this.kickForVote(ev.vote);
      else this.kickAll();
    });
  }

  onEvent(fn: (ev: ReactorEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  peerStates(): Map<string, PeerState> {
    return new Map([...this.peers].map(([id, p]) => [id, p.ps]));
  }

  addPeer(peerId: string): void {
    if (this.peers.has(peerId)) return;
    const peer: Peer = { ps: new PeerState(peerId), dirty: false, wake: null, wakeAt: Infinity, maj23: null };
    this.peers.set(peerId, peer);
    if (!this.waitSync) this.sendTo(peerId, this.newRoundStepMessage());
    this.kick(peer);
    this.scheduleMaj23(peer);
  }

  removePeer(peerId: string, _reason?: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    this.cancelWake(peer);
    peer.maj23?.cancel();
    peer.maj23 = null;
    this.peers.delete(peerId);
    this.relay.removePeer(peerId);
  }

  /** SwitchToConsensus (§9.8a): block sync is done; announce ourselves and start gossiping. */
  switchToConsensus(): void {
    this.waitSync = false;
    this.broadcast0(this.newRoundStepMessage());
    this.kickAll();
  }

  stop(): void {
    for (const id of [...this.peers.keys()]) this.removePeer(id);
    this.flushTimer?.cancel();
    this.flushTimer = null;
    this.unsubscribe();
  }

  /** Bytes from a peer. Malformed input stops the peer (§9.9); nothing here can throw. */
  receive(channel: number, peerId: string, bytes: Uint8Array): void {
    const peer = this.peers.get(peerId);
    if (!peer || this.node.isStopped) return;
    let msg: ConsensusMessage;
    try {
      msg = decodeMessageShared(bytes);
    } catch (e) {
      const why = e instanceof PrevoteError ? `${e.code}: ${e.message}` : String(e);
      return this.drop(peerId, `malformed message on channel 0x${channel.toString(16)}: ${why}`);
    }
    const rs = this.node.liveRoundState();
    const now = this.clock.now();
    if (msg.kind === 'HasVote') this.relay.noteHasVote(peerId, msg.height, msg.round, msg.type, msg.index);
    const res = receive({ rs, initialHeight: this.node.getState().initialHeight, waitSync: this.waitSync }, channel, peer.ps, msg, now);
    if (res.disconnect) return this.drop(peerId, res.disconnect);
    if (res.ignored) this.emit({ type: 'messageIgnored', peerId, reason: res.ignored });
    if (res.reply) this.sendTo(peerId, res.reply.msg);
    if (res.claim) this.node.setPeerMaj23(peerId, res.claim);
    if (res.forward?.kind === 'Vote') {
      const v = res.forward.vote;
      const size = v.height === rs.height ? rs.validators.size : (rs.lastCommit?.size ?? 0);
      this.relay.noteArrival(peerId, v.height, v.round, v.type, v.validatorIndex, size, now, this.randInt);
    }
    if (res.forward) this.node.receive(res.forward, peerId);
    if (this.listeners.size) this.emit({ type: 'peerUpdate', peerId }); // per message: no garbage unless watched
    // what the peer told us may give it something to receive; messages that only say what it
    // has (votes, parts, HasVote) never do, and what we take from them kicks every peer once
    // the engine has handled it
    if (!TELLS_WHAT_PEER_HAS.has(msg.kind)) this.kick(peer);
  }

  /** ConsensusNetwork: the engine judged the peer (e.g. conflicting maj23 claims). */
  stopPeer(peerId: string, reason: string): void {
    if (this.peers.has(peerId)) this.drop(peerId, reason);
  }

  /**
   * ConsensusNetwork: our own message is durable and handled. It goes out now, not at the next
   * pass: what a node said before it crashed must have left it, as with a socket write.
   */
  broadcast(_msg: StateMessage): void {
    this.kickAll();
    this.flush();
  }

  /**
   * Equivocation seen: both votes go to every peer, once. PeerState cannot tell two votes of one
   * validator apart, and relayed votes wait for HasVote (vote-relay.ts), so gossip alone would
   * rarely bring a peer the second story; this stands in for CometBFT's evidence reactor.
   */
  private spreadEvidence(a: Vote, b: Vote): void {
    const key = `${a.height}/${a.round}/${a.type}/${a.validatorIndex}`;
    if (this.evidenceSpread.has(key)) return;
    this.evidenceSpread.add(key);
    for (const id of this.peers.keys()) for (const vote of [a, b]) this.sendTo(id, { kind: 'Vote', vote });
  }

  private readonly evidenceSpread = new Set<string>();

  // ---- announcements → broadcasts (§9.4) ---------------------------------------------------------

  /** ConsensusNetwork: the engine's Publish effect. */
  publish(msg: Announcement): void {
    if (this.waitSync) return;
    if (msg.kind === 'HasVote') {
      // to every peer but the one whose copy we took (it knows): a peer that announced the vote
      // to us must still learn we have it, or it sends it later (vote-relay.ts). With no sender
      // on record (our own vote), to the peers not known to have it.
      const from = this.relay.firstSender(msg.height, msg.round, msg.type, msg.index);
      for (const [id, p] of this.peers) {
        if (from !== null ? id !== from : !p.ps.getVoteBitArray(msg.height, msg.round, msg.type)?.get(msg.index)) this.sendTo(id, msg);
      }
      return; // the vote's own event woke the peers that lack it
    }
    if (msg.kind === 'NewRoundStep') this.relay.prune(msg.height);
    this.broadcast0(msg);
    this.kickAll();
  }

  private newRoundStepMessage(): ConsensusMessage {
    const rs = this.node.liveRoundState();
    return {
      kind: 'NewRoundStep',
      height: rs.height,
      round: rs.round,
      step: rs.step,
      secondsSinceStartTime: Math.max(0, Math.floor((this.clock.now() - rs.startTime) / 1000)),
      lastCommitRound: rs.lastCommit ? rs.lastCommit.round : -1,
    };
  }

  // ---- the routines -------------------------------------------------------------------------

  /** Marks the peer for the next pass (one pass per instant, however many kicks). */
  private kick(peer: Peer): void {
    peer.dirty = true;
    if (this.flushTimer) return;
    this.counters.timersScheduled++;
    this.flushTimer = this.scheduler.after(0, () => this.flush());
  }

  private kickAll(): void {
    for (const p of this.peers.values()) this.kick(p);
  }

  /** A vote was added: a pass for each peer that lacks it, now or when its hold ends. */
  private kickForVote(v: Vote): void {
    const now = this.clock.now();
    const release = this.relay.releaseAt(v.height, v.round, v.type, v.validatorIndex);
    for (const [id, p] of this.peers) {
      if (p.ps.getVoteBitArray(v.height, v.round, v.type)?.get(v.validatorIndex)) continue;
      if (release <= now || this.relay.isEager(id, v.validatorIndex)) this.kick(p);
      else this.wakeAt(p, release);
    }
  }

  private flush(): void {
    this.flushTimer?.cancel();
    this.flushTimer = null;
    for (const peer of this.peers.values()) {
      if (!peer.dirty) continue;
      peer.dirty = false;
      this.gossip(peer);
    }
  }

  /** One pass for one peer: every part and vote it can take now (§9.5, §9.6). */
  private gossip(peer: Peer): void {
    if (!this.peers.has(peer.ps.peerId) || this.node.isStopped || this.waitSync) return;
    this.counters.passes++;
    const rs = this.node.liveRoundState();
    const now = this.clock.now();
    let sent = 0;
    let refused = false;
    data: while (sent < MAX_SENDS_PER_PASS) {
      const outs = pickDataToSend(rs, peer.ps, this.blockStore, this.randInt);
      if (outs.length === 0) break;
      for (const out of outs) {
        if (!this.sendOut(peer, out)) {
          refused = true;
          break data;
        }
        sent++;
      }
    }
    const peerId = peer.ps.peerId;
    const holds = this.holds;
    holds.start(peerId, now);
    while (!refused && sent < MAX_SENDS_PER_PASS) {
      const vote = pickVoteToSend(rs, peer.ps, this.blockStore, this.randInt, holds);
      if (!vote) break;
      if (!this.sendTo(peerId, { kind: 'Vote', vote })) {
        refused = true;
        break;
      }
      peer.ps.setHasVote(vote);
      const size = vote.height === rs.height ? rs.validators.size : Math.max(vote.validatorIndex + 1, rs.lastCommit?.size ?? 0);
      this.relay.noteSent(peerId, vote.height, vote.round, vote.type, vote.validatorIndex, size);
      sent++;
    }
    let releaseAt = holds.releaseAt;
    if (sent === 0) this.counters.idlePasses++;
    if (sent >= MAX_SENDS_PER_PASS) this.kick(peer); // more to send: after other work
    if (refused) releaseAt = Math.min(releaseAt, now + this.gossipSleep);
    if (releaseAt < Infinity) this.wakeAt(peer, releaseAt);
  }

  /** A pass for this peer at `at` (ms), unless one is due sooner. */
  private wakeAt(peer: Peer, at: number): void {
    if (peer.wake && peer.wakeAt <= at) return;
    this.cancelWake(peer);
    peer.wakeAt = at;
    this.counters.timersScheduled++;
    peer.wake = this.scheduler.after(Math.max(0, at - this.clock.now()), () => {
      peer.wake = null;
      peer.wakeAt = Infinity;
      this.kick(peer);
    });
  }

  private cancelWake(peer: Peer): void {
    if (!peer.wake) return;
    peer.wake.cancel();
    this.counters.timersCancelled++;
    peer.wake = null;
    peer.wakeAt = Infinity;
  }

  /** §9.7 queryMaj23Routine, every `queryMaj23Sleep`; it also kicks the peer (a backstop). */
  private scheduleMaj23(peer: Peer): void {
    this.counters.timersScheduled++;
    peer.maj23 = this.scheduler.after(this.queryMaj23Sleep, () => {
      peer.maj23 = null;
      if (!this.peers.has(peer.ps.peerId) || this.node.isStopped) return;
      if (!this.waitSync) {
        const rs = this.node.liveRoundState();
        for (const msg of maj23Queries(rs, peer.ps, this.blockStore)) this.sendTo(peer.ps.peerId, msg);
        const missing = missingPartsAnnouncement(rs);
        if (missing) this.sendTo(peer.ps.peerId, missing);
        this.kick(peer);
      }
      this.scheduleMaj23(peer);
    });
  }

  private sendOut(peer: Peer, out: Outgoing): boolean {
    if (!this.sendTo(peer.ps.peerId, out.msg)) return false;
    out.onSent();
    return true;
  }

  private sendTo(peerId: string, msg: ConsensusMessage): boolean {
    const bytes = encodeMessageShared(msg);
    const ok = this.peerSender.send(peerId, channelOfKind(msg.kind), bytes);
    if (ok) {
      const s = (this.sent[msg.kind] ??= { count: 0, bytes: 0 });
      s.count++;
      s.bytes += bytes.length;
    }
    return ok;
  }

  private broadcast0(msg: ConsensusMessage): void {
    for (const id of this.peers.keys()) this.sendTo(id, msg);
  }

  private drop(peerId: string, reason: string): void {
    this.emit({ type: 'peerDropped', peerId, reason });
    this.peerSender.stopPeerForError(peerId, reason); // removePeer comes back through the switch
    this.removePeer(peerId);
  }

  private emit(ev: ReactorEvent): void {
    for (const fn of this.listeners) fn(ev);
  }
}

