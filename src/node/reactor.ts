// ConsensusReactor: the gossip layer around one ConsensusNode (spec §9). The choices are the
// pure functions of core/reactor; this file schedules them: three routines per peer (data,
// votes, maj23 queries), broadcasts on local events, and Receive with its disconnection rules.
//
// Routines sleep `gossipSleep` when they have nothing to send (CometBFT's
// peer_gossip_sleep_duration, §15 lesson 22: every idle path sleeps) and are woken early by
// local events, so a new vote or part goes out at once instead of after the next sleep.
import type { Announcement, StateMessage } from '../core/consensus/io.js';
import type { ConsensusMessage } from '../core/encoding/messages.js';
import { decodeMessageShared, encodeMessageShared } from '../core/encoding/messages.js';
import { PeerState } from '../core/reactor/peer-state.js';
import type { Outgoing } from '../core/reactor/gossip.js';
import { maj23Queries, missingPartsAnnouncement, pickDataToSend, pickVoteToSend } from '../core/reactor/gossip.js';
import { CHANNELS, channelOfKind, receive } from '../core/reactor/receive.js';
import type { RandInt } from '../core/bits/bit-array.js';
import { PrevoteError } from '../core/errors.js';
import type { ConsensusNode } from './node.js';
import type { BlockStore, Clock, ConsensusNetwork, Scheduler, TimerHandle } from './ports.js';
import type { PeerSender, Reactor } from './switch.js';

export interface ReactorOptions {
  gossipSleep?: number; // ms, default 100
  queryMaj23Sleep?: number; // ms, default 2000
  /** Block-syncing: consensus is not running yet (§9.8a). */
  waitSync?: boolean;
}

export type ReactorEvent =
  | { type: 'peerUpdate'; peerId: string }
  | { type: 'peerDropped'; peerId: string; reason: string }
  | { type: 'messageIgnored'; peerId: string; reason: string };

interface Peer {
  ps: PeerState;
  timers: Map<'data' | 'votes' | 'maj23', { handle: TimerHandle; soon: boolean }>;
}

export class ConsensusReactor implements ConsensusNetwork, Reactor {
  readonly channels = CHANNELS;
  private readonly peers = new Map<string, Peer>();
  private readonly gossipSleep: number;
  private readonly queryMaj23Sleep: number;
  private waitSync: boolean;
  private readonly listeners = new Set<(ev: ReactorEvent) => void>();
  /** Bytes and messages sent, by kind (benchmarks and views). */
  readonly sent: Record<string, { count: number; bytes: number }> = {};

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
    const peer: Peer = { ps: new PeerState(peerId), timers: new Map() };
    this.peers.set(peerId, peer);
    if (!this.waitSync) this.sendTo(peerId, this.newRoundStepMessage());
    // a send that failed may have broken the connection already (removePeer ran): no routines
    // for a peer that is gone, or they would outlive it and run on when the peer comes back
    if (this.peers.get(peerId) !== peer) return;
    for (const r of ['data', 'votes', 'maj23'] as const) this.wake(peer, r, r === 'maj23' ? this.queryMaj23Sleep : 0);
  }

  removePeer(peerId: string, _reason?: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    for (const t of peer.timers.values()) t.handle.cancel();
    this.peers.delete(peerId);
  }

  /** SwitchToConsensus (§9.8a): block sync is done; announce ourselves and start gossiping. */
  switchToConsensus(): void {
    this.waitSync = false;
    this.broadcast0(this.newRoundStepMessage());
    for (const p of this.peers.values()) this.kick(p);
  }

  stop(): void {
    for (const id of [...this.peers.keys()]) this.removePeer(id);
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
    const res = receive(
      { rs: this.node.liveRoundState(), initialHeight: this.node.getState().initialHeight, waitSync: this.waitSync },
      channel,
      peer.ps,
      msg,
      this.clock.now(),
    );
    if (res.disconnect) return this.drop(peerId, res.disconnect);
    if (res.ignored) this.emit({ type: 'messageIgnored', peerId, reason: res.ignored });
    if (res.reply) this.sendTo(peerId, res.reply.msg);
    if (res.claim) this.node.setPeerMaj23(peerId, res.claim);
    if (res.forward) this.node.receive(res.forward, peerId);
    this.emit({ type: 'peerUpdate', peerId });
    // what the peer now has (or lacks) may give the routines something to send
    this.kick(peer);
  }

  /** ConsensusNetwork: the engine judged the peer (e.g. conflicting maj23 claims). */
  stopPeer(peerId: string, reason: string): void {
    if (this.peers.has(peerId)) this.drop(peerId, reason);
  }

  /** ConsensusNetwork: our own message is durable and handled; gossip will offer it. */
  broadcast(_msg: StateMessage): void {
    for (const p of this.peers.values()) this.kick(p);
  }

  // ---- announcements → broadcasts (§9.4) ---------------------------------------------------------

  /** ConsensusNetwork: the engine's Publish effect. */
  publish(msg: Announcement): void {
    if (this.waitSync) return;
    if (msg.kind === 'HasVote') {
      // only to peers not already known to have it (e.g. not back to the peer that sent it)
      for (const [id, p] of this.peers) if (!p.ps.getVoteBitArray(msg.height, msg.round, msg.type)?.get(msg.index)) this.sendTo(id, msg);
    } else {
      this.broadcast0(msg);
    }
    for (const p of this.peers.values()) this.kick(p);
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

  private kick(peer: Peer): void {
    this.wake(peer, 'data', 0);
    this.wake(peer, 'votes', 0);
  }

  /** (Re)schedules a routine `ms` from now, unless it is already due sooner. */
  private wake(peer: Peer, routine: 'data' | 'votes' | 'maj23', ms: number): void {
    const cur = peer.timers.get(routine);
    if (cur?.soon && ms === 0) return;
    cur?.handle.cancel();
    const handle = this.scheduler.after(ms, () => this.runRoutine(peer, routine));
    peer.timers.set(routine, { handle, soon: ms === 0 });
  }

  private runRoutine(peer: Peer, routine: 'data' | 'votes' | 'maj23'): void {
    peer.timers.delete(routine);
    // a routine of an earlier connection to this peer (its PeerState stale) ends here
    if (this.peers.get(peer.ps.peerId) !== peer || this.node.isStopped) return;
    if (this.waitSync) return this.wake(peer, routine, this.gossipSleep);
    const rs = this.node.liveRoundState();
    if (routine === 'maj23') {
      for (const msg of maj23Queries(rs, peer.ps, this.blockStore)) this.sendTo(peer.ps.peerId, msg);
      const missing = missingPartsAnnouncement(rs);
      if (missing) this.sendTo(peer.ps.peerId, missing);
      return this.wake(peer, routine, this.queryMaj23Sleep);
    }
    let sent = false;
    if (routine === 'data') {
      for (const out of pickDataToSend(rs, peer.ps, this.blockStore, this.randInt)) sent = this.sendOut(peer, out) || sent;
    } else {
      const out = pickVoteToSend(rs, peer.ps, this.blockStore, this.randInt);
      if (out) sent = this.sendOut(peer, out);
    }
    // busy while there is something to send; otherwise sleep (never spin)
    this.wake(peer, routine, sent ? 0 : this.gossipSleep);
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

