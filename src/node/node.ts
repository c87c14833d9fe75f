// ConsensusNode: the serial event loop (the seed's receiveRoutine) that owns one consensus
// engine, a mempool and the stores, and carries out the engine's effects.
//
// Order per input (spec §3.1, §10.1): its signature verified if the engine will check one (batched
// over the queue before the input is taken: the engine only looks verdicts up), write the input to
// the WAL (synced for our own messages), run the pure step, then carry out its effects in order —
// timeouts, signing, the RoundState record of each step, block store → EndHeight → FinalizeBlock →
// Commit → state — and only then hand the step's announcements to the network and its events to
// listeners. A FinalizeBlock answer is the next input, before any other. Our own messages reach
// the network only after they were synced and handled: persist before you speak.
import type { BlockID, Bytes, Commit, Proposal, Vote } from '../core/types.js';
import type { Application, FinalizeBlockResponse } from '../core/app/application.js';
import { finalizeRequest } from '../core/state/execution.js';
import type { ChainState } from '../core/state/chain-state.js';
import type { ConsensusConfig } from '../core/consensus/config.js';
import type { ConsensusEvent, ConsensusInput, Effect, StateMessage, StepOutput } from '../core/consensus/io.js';
import { ConsensusState } from '../core/consensus/state.js';
import type { RoundState } from '../core/consensus/round-state.js';
import { roundStateEvent } from '../core/consensus/round-state.js';
import type { RoundStateSimple, RoundStateSnapshot } from '../core/consensus/snapshot.js';
export type { RoundStateSimple } from '../core/consensus/snapshot.js';
import { snapshotRoundState } from '../core/consensus/snapshot.js';
import type { PartSet } from '../core/blocks/part-set.js';
import type { BlockStore, Clock, ConsensusNetwork, Scheduler, StateStore, WAL } from './ports.js';
import { TimeoutTicker } from './timeout-ticker.js';
import { Mempool } from './mempool.js';
import type { PendingSignature, SignatureCache } from './signature-cache.js';
import { proposalSignBytesOf, voteSignBytesOf } from './signature-cache.js';
import type { PrivValidator } from './priv-validator.js';

export interface NodeOptions {
  name: string;
  state: ChainState;
  config: ConsensusConfig;
  app: Application;
  privValidator: PrivValidator | null;
  wal: WAL;
  blockStore: BlockStore;
  stateStore: StateStore;
  clock: Clock;
  scheduler: Scheduler;
  network: ConsensusNetwork;
  signatures: SignatureCache;
}

/**
 * A part of the loop that may finish at once (in-memory stores, known verdicts) or later (files,
 * IndexedDB, batch verification, signing): the loop awaits only what is a promise.
 */
type Pending = void | Promise<void>;

/** What carrying out one step's effects gathers for the end (see announce). */
interface Performing {
  now: number;
  finalized: FinalizeBlockResponse | null;
}

/**
 * An input waiting in a queue. Its `now` (0 until then) is set when it is processed, on the queued
 * object itself: a copy per input was a measurable share of a 100-validator height.
 */
type Queued = ConsensusInput;

/**
 * `make`'s answer to `use`, at once when it gave one and later when it gave a promise; a refusal
 * (thrown, or a rejected promise) goes to `refuse` either way. What `use` throws is not a refusal.
 */
function settled<T>(make: () => T | Promise<T>, use: (value: T) => void, refuse: (e: Error) => void): Pending {
  let answer: T | Promise<T>;
  try {
    answer = make();
  } catch (e) {
    return refuse(e as Error);
  }
  if (answer instanceof Promise) return answer.then(use, refuse);
  use(answer);
}

export type NodeListener = (ev: ConsensusEvent, node: ConsensusNode) => void;

export class ConsensusNode {
  readonly name: string;
  /** The engine. Private to the loop: readers outside src/node get copies (getRoundState…). */
  private cs: ConsensusState;
  readonly mempool: Mempool;
  private ticker: TimeoutTicker;
  private privValidator: PrivValidator | null;
  private readonly internalQueue: Queued[] = [];
  private readonly peerQueue: Queued[] = [];
  /** Replaced, never changed in place, so that a listener may unsubscribe while being told. */
  private listeners: readonly NodeListener[] = [];
  private idleWaiters: (() => void)[] = [];
  private pumping = false;
  /** Inputs wait in their queues until start (block sync may run first). */
  private started = false;
  private stopped = false;
  private resolveStopped!: () => void;
  private readonly stoppedPromise = new Promise<void>((resolve) => (this.resolveStopped = resolve));
  /** Told of every tx the mempool accepts through submitTx (the mempool reactor gossips it). */
  onTxAccepted: ((tx: Bytes) => void) | null = null;
  /** A fatal error (an invariant broke): the node halts, as CometBFT's CONSENSUS FAILURE. */
  failure: Error | null = null;

  constructor(private readonly opts: NodeOptions) {
    this.name = opts.name;
    this.privValidator = opts.privValidator;
    this.mempool = new Mempool(opts.app);
    this.cs = this.makeEngine(opts.state);
    this.ticker = this.makeTicker(opts.scheduler);
  }

  /** The engine for `state`, with the seen commit it reconstructs its LastCommit from (§4.2). */
  private makeEngine(state: ChainState): ConsensusState {
    const pv = this.privValidator;
    const h = state.lastBlockHeight;
    const store = this.opts.blockStore;
    return new ConsensusState(
      {
        config: this.opts.config,
        app: this.opts.app,
        checker: this.opts.signatures,
        reapTxs: (max) => this.mempool.reap(max),
        privValidator: pv ? { address: pv.address, pubKey: pv.pubKey } : null,
      },
      state,
      { seenCommit: h > 0 ? store.loadSeenCommit(h) : null, lastHeaderAppHash: h > 0 ? (store.loadBlock(h)?.header.appHash ?? null) : null },
    );
  }

  private makeTicker(scheduler: Scheduler): TimeoutTicker {
    return new TimeoutTicker(scheduler, (timeout) => this.enqueue(this.peerQueue, { type: 'timeout', timeout, now: 0 }));
  }

  /** SetPrivValidator: the key that signs from now on (null: a non-validator). Call before start. */
  setPrivValidator(pv: PrivValidator | null): void {
    this.privValidator = pv;
    this.cs.setPrivValidator(pv && { address: pv.address, pubKey: pv.pubKey });
  }

  /** SetTimeoutTicker: timeouts are scheduled on this scheduler (tests drive it). Call before start. */
  setTimeoutTicker(scheduler: Scheduler): void {
    this.ticker.stop();
    this.ticker = this.makeTicker(scheduler);
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  async start(skipWal = false): Promise<void> {
    const { wal } = this.opts;
    // the loop waits while we start and replay: one input at a time, whoever brings it
    this.pumping = true;
    try {
      if (await wal.isEmpty()) await wal.writeSync({ type: 'endHeight', time: this.opts.clock.now(), height: 0 });
      const out = this.cs.start(this.opts.clock.now());
      // from here the engine has a RoundState (submitTx reads its height); inputs still wait for the loop
      this.started = true;
      await this.perform(out);
      if (!skipWal) await this.catchupReplay();
      if (this.mempool.takeTxsAvailable(this.cs.rs.height)) this.peerQueue.push({ type: 'txsAvailable', now: 0 });
    } finally {
      this.pumping = false;
    }
    this.pump();
  }

  /**
   * SwitchToConsensus (spec §9.8a): block sync brought the stores to `state`; start the engine
   * there. When blocks were synced the WAL describes a stale height, so its replay is skipped.
   * Inputs queued while syncing belonged to no running engine and are dropped.
   */
  async switchToConsensus(state: ChainState, blocksSynced: number): Promise<void> {
    if (this.started) throw new Error('switchToConsensus: consensus is already running');
    if (state.lastBlockHeight !== this.cs.state.lastBlockHeight) this.cs = this.makeEngine(state);
    this.internalQueue.length = 0;
    this.peerQueue.length = 0;
    await this.start(blocksSynced > 0);
  }

  /**
   * Spec §10.4: re-feed the inputs recorded for the unfinished height, through the same code path
   * as live inputs, at their recorded times (so our re-signed votes carry the same timestamps and
   * the PrivValidator hands back the same signatures).
   */
  private async catchupReplay(): Promise<void> {
    const height = this.cs.rs.height;
    const records = await this.opts.wal.recordsAfterEndHeight(height - 1);
    if (!records) return;
    for (const rec of records) {
      if (this.stopped) return;
      if (rec.type === 'msgInfo') {
        await this.verifyAtIngress(rec.msg);
        await this.perform(this.cs.handle({ type: 'message', msg: rec.msg, peerId: rec.peerId, now: rec.time }));
      }
      else if (rec.type === 'timeout') await this.perform(this.cs.handle({ type: 'timeout', timeout: rec.timeout, now: rec.time }));
    }
  }

  stop(): void {
    this.stopped = true;
    this.resolveStopped();
    this.ticker.stop();
    this.internalQueue.length = 0;
    this.peerQueue.length = 0;
    this.wake();
  }

  /** Halts the node for a fatal error found outside the loop (block sync could not apply a block). */
  halt(e: Error): void {
    this.failure ??= e;
    this.stop();
  }

  /** Wait: resolves once the node has stopped. */
  wait(): Promise<void> {
    return this.stoppedPromise;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** No input queued or being processed. */
  get idle(): boolean {
    return !this.pumping && (this.stopped || !this.started || (this.internalQueue.length === 0 && this.peerQueue.length === 0));
  }

  /** Resolves when every queued input has been processed. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Fires the pending timeout early (see TimeoutTicker.fireNow); false when none is armed. */
  forceTimeout(): boolean {
    return !this.stopped && this.ticker.fireNow();
  }

  onEvent(fn: NodeListener): () => void {
    this.listeners = [...this.listeners, fn];
    return () => {
      this.listeners = this.listeners.filter((f) => f !== fn);
    };
  }

  // ---- the seed's ConsensusState API ------------------------------------------------------------

  /** A message from a peer (or '' for our own, which the driver normally enqueues itself). */
  receive(msg: StateMessage, peerId: string): void {
    this.enqueue(peerId === '' ? this.internalQueue : this.peerQueue, { type: 'message', msg, peerId, now: 0 });
  }





  /** Adds a transaction to the mempool; returns the CheckTx error, or null when accepted. */
  submitTx(tx: Bytes): string | null {
    const err = this.mempool.add(tx);
    // before start (block sync) the engine has no height yet; start() looks at the mempool then
    if (!err && this.started && this.mempool.takeTxsAvailable(this.cs.rs.height)) this.enqueue(this.peerQueue, { type: 'txsAvailable', now: 0 });
    if (!err) this.onTxAccepted?.(tx);
    return err;
  }

  getRoundState(): RoundStateSnapshot {
    return snapshotRoundState(this.cs.rs);
  }

  /** GetRoundStateSimple: height, round, step, lock and proposer, as copies. */
  getRoundStateSimple(): RoundStateSimple {
    const rs = this.cs.rs;
    const pv = this.privValidator;
    return {
      height: rs.height,
      round: rs.round,
      step: rs.step,
      lockedRound: rs.lockedRound,
      lockedBlockId: rs.lockedBlock && rs.lockedBlockParts ? { hash: rs.lockedBlock.hash, partSetHeader: rs.lockedBlockParts.header() } : null,
      proposer: rs.validators.getProposer()?.address ?? null,
      votingPower: (pv && rs.validators.getByAddress(pv.address)?.validator.votingPower) || 0n,
    };
  }

  /**
   * The live RoundState, for the reactor's gossip choices only (it runs on the same loop and never
   * keeps or changes it). Nothing outside src/node may call this: the boundary check enforces it.
   */
  liveRoundState(): Readonly<RoundState> {
    return this.cs.rs;
  }

  /** VoteSetMaj23 from a peer: queued, so the claim reaches the votes through the loop. */
  setPeerMaj23(peerId: string, claim: { height: number; round: number; type: number; blockId: BlockID }): void {
    this.enqueue(this.peerQueue, { type: 'peerMaj23', peerId, height: claim.height, round: claim.round, voteType: claim.type, blockId: claim.blockId, now: 0 });
  }

  getState(): ChainState {
    return this.cs.state;
  }

  getValidators() {
    return { height: this.cs.rs.height, validators: this.cs.rs.validators.validators.map((v) => ({ ...v })) };
  }

  loadCommit(height: number): Commit | null {
    if (height === this.opts.blockStore.height()) return this.opts.blockStore.loadSeenCommit(height);
    return this.opts.blockStore.loadBlockCommit(height);
  }


  // ---- the loop -------------------------------------------------------------------------------

  private enqueue(queue: Queued[], item: Queued): void {
    if (this.stopped) return;
    queue.push(item);
    this.pump();
  }

  private wake(): void {
    if (this.idleWaiters.length === 0) return; // the usual case: nobody waits (no list per input)
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Called when the loop has to wait for a promise: the simulator waits on these nodes only (one
   * that finishes its inputs at once, the usual case in a simulation, is idle again already).
   */
  onWaiting: (() => void) | null = null;

  private pump(): void {
    if (this.pumping || !this.started) return;
    this.pumping = true;
    this.drain();
  }

  /**
   * The loop proper: handles the queued inputs one by one, synchronously for as long as each step
   * finishes at once (in-memory stores, verdicts already known: the simulator makes no promise per
   * input), and resumes from a promise when one has to wait (a file or IndexedDB write, a batch
   * verification, signing).
   */
  private drain(): void {
    try {
      while (!this.stopped) {
        const verifying = this.internalQueue.length === 0 && this.peerQueue.length > 0 ? this.preverify() : undefined;
        if (verifying) return this.resumeAfter(verifying);
        const next = this.internalQueue.shift() ?? this.peerQueue.shift();
        if (!next) break;
        const pending = this.process(next);
        if (pending) return this.resumeAfter(pending);
      }
    } catch (e) {
      return this.fail(e as Error);
    }
    this.pumping = false;
    this.wake();
  }

  private resumeAfter(pending: Promise<void>): void {
    this.onWaiting?.();
    pending.then(
      () => this.drain(),
      (e: Error) => this.fail(e),
    );
  }

  private fail(e: Error): void {
    this.failure = e;
    this.stop();
    this.pumping = false;
    this.wake();
  }

  /**
   * The signature the engine will check for this message if handled now, with the key it will
   * use (spec §4.13, §4.6): votes of this height or LastCommit precommits, proposals of this round.
   */
  private signatureToCheck(m: StateMessage): PendingSignature | null {
    const rs = this.cs.rs;
    const chainId = this.cs.chainId;
    const known = this.opts.signatures;
    if (m.kind === 'Vote') {
      const set = m.vote.height === rs.height ? rs.validators : m.vote.height + 1 === rs.height ? rs.lastValidators : null;
      const val = set?.getByIndex(m.vote.validatorIndex);
      if (!val || known.knows(m.vote, chainId, val.pubKey)) return null;
      return { pubKey: val.pubKey, signBytes: voteSignBytesOf(chainId, m.vote), signature: m.vote.signature, of: { msg: m.vote, chainId } };
    }
    if (m.kind === 'Proposal' && m.proposal.height === rs.height && m.proposal.round === rs.round) {
      const proposer = rs.validators.getProposer();
      if (!proposer || known.knows(m.proposal, chainId, proposer.pubKey)) return null;
      return { pubKey: proposer.pubKey, signBytes: proposalSignBytesOf(chainId, m.proposal), signature: m.proposal.signature, of: { msg: m.proposal, chainId } };
    }
    return null;
  }

  /**
   * Verification at ingress: the signatures of every queued peer message the engine can use now,
   * batched, with the fastest verifier, so that the engine only looks verdicts up. The loop runs
   * it before each peer input it takes (nothing steps in between), so every input meets the engine
   * with its verdict known; should one not (a key the step had not foreseen), the engine verifies
   * it on the spot, synchronously, with the same rules.
   */
  private preverify(): Pending {
    let items: PendingSignature[] | null = null; // none, nearly always: every verdict is known
    for (const q of this.peerQueue) {
      const sig = q.type === 'message' ? this.signatureToCheck(q.msg) : null;
      if (sig) (items ??= []).push(sig);
    }
    if (items) return this.opts.signatures.preverify(items);
  }

  /** The same for one message (the WAL's catch-up replay, which bypasses the queues). */
  private verifyAtIngress(m: StateMessage): Pending {
    const sig = this.signatureToCheck(m);
    if (sig) return this.opts.signatures.preverify([sig]);
  }

  /** Peer votes dropped before the WAL: already counted, or of a height the step ignores (ignoresVote). */
  votesIgnored = 0;

  private process(item: Queued): Pending {
    if (item.type === 'message' && item.peerId !== '' && item.msg.kind === 'Vote' && this.cs.ignoresVote(item.msg.vote)) {
      this.votesIgnored++;
      return;
    }
    const now = (item.now = this.opts.clock.now());
    let written: Pending = undefined;
    if (item.type === 'message') {
      const rec = { type: 'msgInfo' as const, time: now, msg: item.msg, peerId: item.peerId };
      written = item.peerId === '' ? this.opts.wal.writeSync(rec) : this.opts.wal.write(rec);
    } else if (item.type === 'timeout') {
      written = this.opts.wal.write({ type: 'timeout', time: now, timeout: item.timeout });
    }
    // resumed from a promise only when the write had to wait: the synchronous path (in-memory
    // stores) allocates no closure per input; the signature was verified before (preverify)
    return written ? written.then(() => this.step(item)) : this.step(item);
  }

  /** The step, its effects, then (for our own message) the broadcast: persist before you speak. */
  private step(item: Queued): Pending {
    const done = this.perform(this.cs.handle(item));
    return done ? done.then(() => this.broadcastOwn(item)) : this.broadcastOwn(item);
  }

  private broadcastOwn(item: Queued): void {
    if (item.type === 'message' && item.peerId === '' && !this.stopped) this.opts.network.broadcast(item.msg);
  }

  /** Carries out a step's effects in order, then its announcements and events (see the top). */
  private perform(out: StepOutput): Pending {
    return this.carryOut(out, 0, { now: this.opts.clock.now(), finalized: null });
  }

  /** The effects from `i` on; one that has to wait carries out the rest once it is done. */
  private carryOut(out: StepOutput, i: number, acc: Performing): Pending {
    for (; i < out.effects.length; i++) {
      if (this.stopped) return;
      const pending = this.effect(out.effects[i], acc);
      if (pending) {
        const rest = i + 1;
        return pending.then(() => this.carryOut(out, rest, acc));
      }
    }
    return this.announce(out, acc);
  }

  private effect(eff: Effect, acc: Performing): Pending {
    switch (eff.type) {
      case 'scheduleTimeout':
        this.ticker.schedule(eff.timeout);
        return;
      case 'signVote':
        return this.signVote(eff.vote);
      case 'signProposal':
        return this.signProposal(eff.proposal, eff.parts);
      case 'saveBlock':
        if (this.opts.blockStore.height() < eff.block.header.height) return this.opts.blockStore.saveBlock(eff.block, eff.parts, eff.seenCommit);
        return;
      case 'walEndHeight':
        return this.opts.wal.writeSync({ type: 'endHeight', time: acc.now, height: eff.height });
      case 'finalizeBlock':
        // the app runs after the block and EndHeight are durable (CometBFT's crash-safe order)
        acc.finalized = this.opts.app.finalizeBlock(finalizeRequest(eff.blockId, eff.block));
        return;
      case 'commitApp':
        this.opts.app.commit();
        return;
      case 'saveState':
        return this.opts.stateStore.save(eff.state, eff.response);
      case 'stopPeer':
        this.opts.network.stopPeer(eff.peerId, eff.reason);
        return;
      case 'publish':
        if (eff.msg.kind === 'NewRoundStep') return this.opts.wal.write({ type: 'roundState', time: acc.now, event: roundStateEvent(eff.msg) });
        return;
    }
  }

  /** Once the effects are done: announcements to the network, events to listeners, the app's answer. */
  private announce(out: StepOutput, acc: Performing): Pending {
    // the step's announcements are its publish effects, in order. Indexed loops: the lists are of
    // two kinds (a step's own, or the engine's shared empty one), and a for-of over both made an
    // iterator object per list, per input
    const { effects, events } = out;
    for (let i = 0; i < effects.length && !this.stopped; i++) {
      const eff = effects[i];
      if (eff.type === 'publish') this.opts.network.publish(eff.msg);
    }
    const listeners = this.listeners;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i];
      if (ev.type === 'NewBlock') {
        this.mempool.update(ev.block.data.txs);
        if (this.mempool.takeTxsAvailable(this.cs.rs.height)) this.enqueue(this.peerQueue, { type: 'txsAvailable', now: 0 });
      }
      for (let k = 0; k < listeners.length; k++) listeners[k](ev, this);
    }
    // the engine waits for the app's answer: nothing else is handled before it
    if (acc.finalized && !this.stopped) return this.perform(this.cs.handle({ type: 'blockFinalized', response: acc.finalized, now: this.opts.clock.now() }));
  }

  // Signing answers at once when the PrivValidator can (the simulator: no promise per signature),
  // else later; either way our message is recorded as valid and queued as our own input.

  private signVote(vote: Vote): Pending {
    const pv = this.privValidator;
    if (!pv) return;
    return settled(() => pv.signVote(this.cs.chainId, vote), (signed) => this.ownVote(pv, signed), (e) => this.publishRefusal('vote', e));
  }

  private ownVote(pv: PrivValidator, signed: Vote): void {
    const chainId = this.cs.chainId;
    this.opts.signatures.recordOwn({ pubKey: pv.pubKey, signBytes: voteSignBytesOf(chainId, signed), signature: signed.signature, of: { msg: signed, chainId } });
    this.enqueue(this.internalQueue, { type: 'message', msg: { kind: 'Vote', vote: signed }, peerId: '', now: 0 });
  }

  private signProposal(proposal: Proposal, parts: PartSet): Pending {
    const pv = this.privValidator;
    if (!pv) return;
    return settled(() => pv.signProposal(this.cs.chainId, proposal), (signed) => this.ownProposal(pv, signed, parts), (e) => this.publishRefusal('proposal', e));
  }

  private ownProposal(pv: PrivValidator, signed: Proposal, parts: PartSet): void {
    const chainId = this.cs.chainId;
    this.opts.signatures.recordOwn({ pubKey: pv.pubKey, signBytes: proposalSignBytesOf(chainId, signed), signature: signed.signature, of: { msg: signed, chainId } });
    this.enqueue(this.internalQueue, { type: 'message', msg: { kind: 'Proposal', proposal: signed }, peerId: '', now: 0 });
    for (let i = 0; i < parts.total; i++) {
      const part = parts.getPart(i)!;
      this.enqueue(this.internalQueue, { type: 'message', msg: { kind: 'BlockPart', height: signed.height, round: signed.round, part }, peerId: '', now: 0 });
    }
  }

  /** The privval refused (e.g. after a restart it already signed something else): safe, logged. */
  private publishRefusal(what: string, e: Error): void {
    const rs = this.cs.rs;
    const ev: ConsensusEvent = { type: 'Rejected', what: `sign ${what}`, reason: e.message, peerId: '', at: this.opts.clock.now(), height: rs.height, round: rs.round, step: rs.step };
    for (const fn of this.listeners) fn(ev, this);
  }
}

