// BlocksyncReactor ([CMT] blocksync/reactor.go) on channel 0x40: serves our stored blocks to any
// peer that asks, and, when started behind, fetches blocks from its peers in parallel (the
// decisions are core/blocksync/pool.ts), verifies block H by block H+1's LastCommit — more than
// 2/3 of H's validator set, signatures verified in one batch — applies it through the app, saves
// it, and hands over to consensus once no peer is ahead (SwitchToConsensus, spec §9.8a).
import type { Application } from '../core/app/application.js';
import type { RandInt } from '../core/bits/bit-array.js';
import { BlockPool, DEFAULT_POOL_CONFIG } from '../core/blocksync/pool.js';
import type { PoolConfig, PooledBlock } from '../core/blocksync/pool.js';
import { PartSet } from '../core/blocks/part-set.js';
import type { OutgoingBlocksyncMessage } from '../core/encoding/blocksync.js';
import { decodeBlocksyncMessage, encodeBlocksyncMessage } from '../core/encoding/blocksync.js';
import { PrevoteError } from '../core/errors.js';
import { blockIdEqual, blockIdShort } from '../core/blockid.js';
import type { ChainState } from '../core/state/chain-state.js';
import { applyBlock, blockHash, validateBlock } from '../core/state/execution.js';
import type { BlockID, Bytes, Commit } from '../core/types.js';
import { BlockIDFlag } from '../core/types.js';
import type { ValidatorSet } from '../core/validators/validator-set.js';
import { commitVote, verifyCommit } from '../core/validators/verify-commit.js';
import type { BlockStore, Clock, Scheduler, StateStore, TimerHandle } from './ports.js';
import type { PendingSignature, SignatureCache } from './signature-cache.js';
import { voteSignBytesOf } from './signature-cache.js';
import type { PeerSender, Reactor } from './switch.js';

export const BLOCKSYNC_CHANNEL_ID = 0x40;

export interface BlocksyncOptions {
  pool?: Partial<PoolConfig>;
  /** How often a syncing node asks every peer for its status again (ms). */
  statusInterval?: number;
  /** How often requests, timeouts and the caught-up check are looked at (ms). */
  tickInterval?: number;
  /** How long a peer that served a bad block is refused (ms). */
  banTime?: number;
}

export type BlocksyncEvent =
  | { type: 'synced'; height: number; peerId: string }
  | { type: 'caughtUp'; height: number; blocksSynced: number }
  | { type: 'badBlock'; height: number; peers: string[]; reason: string };

export interface BlocksyncDeps {
  blockStore: BlockStore;
  stateStore: StateStore;
  app: Application;
  signatures: SignatureCache;
  mempool: { update(txs: Bytes[]): void };
  sw: PeerSender;
  scheduler: Scheduler;
  clock: Clock;
  randInt: RandInt;
  /** Caught up: start consensus from `state` (once). */
  switchToConsensus(state: ChainState, blocksSynced: number): Promise<void>;
  /** Applying a verified block failed (the app threw, a store failed): the node must halt. */
  fail(e: Error): void;
}

export class BlocksyncReactor implements Reactor {
  readonly channels = [BLOCKSYNC_CHANNEL_ID] as const;
  private readonly peers = new Set<string>();
  private readonly banned = new Map<string, number>();
  private readonly listeners = new Set<(ev: BlocksyncEvent) => void>();
  /** Set while syncing; null once consensus runs (we then only serve). */
  private pool: BlockPool | null = null;
  private timer: TimerHandle | null = null;
  private lastStatusRequest = 0;
  private processing = false;
  private synced = 0;
  private readonly statusInterval: number;
  private readonly tickInterval: number;
  private readonly banTime: number;

  constructor(
    private readonly deps: BlocksyncDeps,
    private state: ChainState,
    private readonly opts: BlocksyncOptions = {},
  ) {
    this.statusInterval = opts.statusInterval ?? 2_000;
    this.tickInterval = opts.tickInterval ?? 100;
    this.banTime = opts.banTime ?? 600_000;
  }

  onEvent(fn: (ev: BlocksyncEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get syncing(): boolean {
    return this.pool !== null;
  }

  /** Start syncing from the state the stores hold; consensus starts when we are caught up. */
  start(): void {
    const now = this.deps.clock.now();
    this.pool = new BlockPool(this.state.lastBlockHeight + 1, now, { ...DEFAULT_POOL_CONFIG, ...this.opts.pool });
    for (const p of this.peers) this.pool.addPeer(p);
    this.broadcastStatusRequest(now);
    this.tick();
  }

  stop(): void {
    this.pool = null;
    this.timer?.cancel();
    this.timer = null;
  }

  addPeer(peerId: string): void {
    const until = this.banned.get(peerId);
    if (until !== undefined && until > this.deps.clock.now()) return this.deps.sw.stopPeerForError(peerId, 'banned: it served a bad block');
    this.peers.add(peerId);
    this.send(peerId, this.status());
    if (this.pool) {
      this.pool.addPeer(peerId);
      this.send(peerId, { kind: 'StatusRequest' });
    }
  }

  removePeer(peerId: string): void {
    this.peers.delete(peerId);
    this.pool?.removePeer(peerId);
  }

  /** Bytes on 0x40. A message that does not decode, or a block we did not ask that peer for, drops it. */
  receive(_channel: number, peerId: string, bytes: Uint8Array): void {
    if (!this.peers.has(peerId)) return;
    let msg;
    try {
      msg = decodeBlocksyncMessage(bytes);
    } catch (e) {
      const why = e instanceof PrevoteError ? `${e.code}: ${e.message}` : String(e);
      return this.deps.sw.stopPeerForError(peerId, `malformed message on channel 0x40: ${why}`);
    }
    switch (msg.kind) {
      case 'StatusRequest':
        return void this.send(peerId, this.status());
      case 'BlockRequest':
        return this.serve(peerId, msg.height);
      case 'StatusResponse':
        return this.pool?.setPeerRange(peerId, msg.base, msg.height);
      case 'NoBlockResponse':
        return this.pool?.noBlock(peerId, msg.height);
      case 'BlockResponse':
        if (!this.pool) return; // a late answer after we switched to consensus
        if (this.pool.addBlock(peerId, msg.block, msg.blockBytes) === 'unsolicited') {
          return this.deps.sw.stopPeerForError(peerId, `block sync: sent block ${msg.block.header.height}, which we did not ask it for`);
        }
        return void this.process();
    }
  }

  private status(): OutgoingBlocksyncMessage {
    const s = this.deps.blockStore;
    return { kind: 'StatusResponse', height: s.height(), base: s.base() };
  }

  /** A block's exact bytes, from its stored parts; NoBlockResponse when we do not hold it. */
  private serve(peerId: string, height: number): void {
    const store = this.deps.blockStore;
    const meta = store.loadBlockMeta(height);
    const parts: Uint8Array[] = [];
    for (let i = 0; meta && i < meta.numParts; i++) {
      const part = store.loadBlockPart(height, i);
      if (!part) break;
      parts.push(part.bytes);
    }
    if (!meta || parts.length !== meta.numParts) return void this.send(peerId, { kind: 'NoBlockResponse', height });
    const blockBytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) blockBytes.set(p, (at += p.length) - p.length);
    this.send(peerId, { kind: 'BlockResponse', blockBytes });
  }

  private send(peerId: string, msg: OutgoingBlocksyncMessage): boolean {
    return this.deps.sw.send(peerId, BLOCKSYNC_CHANNEL_ID, encodeBlocksyncMessage(msg));
  }

  private broadcastStatusRequest(now: number): void {
    this.lastStatusRequest = now;
    for (const p of this.peers) this.send(p, { kind: 'StatusRequest' });
  }

  /** Timeouts, new requests, status refresh and the caught-up check, every tickInterval. */
  private tick(): void {
    this.timer = null;
    const pool = this.pool;
    if (!pool) return;
    const now = this.deps.clock.now();
    for (const slow of pool.timedOut(now)) this.deps.sw.stopPeerForError(slow, 'block sync: a block request timed out');
    if (now - this.lastStatusRequest >= this.statusInterval) this.broadcastStatusRequest(now);
    for (const r of pool.makeRequests(now, this.deps.randInt)) this.send(r.peerId, { kind: 'BlockRequest', height: r.height });
    if (!this.processing && pool.isCaughtUp(now)) return void this.finish();
    this.timer = this.deps.scheduler.after(this.tickInterval, () => this.tick());
  }

  /** Verifies and applies every pair of consecutive blocks that has arrived, one at a time. */
  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let pair = this.pool?.peekTwoBlocks(); pair && this.pool; pair = this.pool?.peekTwoBlocks()) {
        const [first, second] = pair;
        const parts = PartSet.fromData(first.blockBytes);
        const blockId = { hash: blockHash(first.block), partSetHeader: parts.header() };
        const bad = await this.verify(first, blockId, second.block.lastCommit);
        if (bad) {
          const height = first.block.header.height + (bad.culprit === 'second' ? 1 : 0);
          const peer = this.pool.redoRequest(height);
          if (peer) {
            this.banned.set(peer, this.deps.clock.now() + this.banTime);
            this.deps.sw.stopPeerForError(peer, `block sync: bad block ${height}: ${bad.reason}`);
          }
          this.emit({ type: 'badBlock', height, peers: peer ? [peer] : [], reason: bad.reason });
          continue;
        }
        this.pool.popRequest();
        // the block and its commit are durable before the app sees it (the handshake mends a crash in between)
        await this.deps.blockStore.saveBlock(first.block, parts, second.block.lastCommit!);
        const { state, response } = applyBlock(this.state, blockId, first.block, this.deps.app);
        await this.deps.stateStore.save(state, response);
        this.deps.mempool.update(first.block.data.txs);
        this.state = state;
        this.synced++;
        this.emit({ type: 'synced', height: state.lastBlockHeight, peerId: first.peerId });
      }
    } catch (e) {
      this.stop();
      this.deps.fail(e as Error);
    } finally {
      this.processing = false;
    }
  }

  /**
   * Why `first` must not be applied, and which block is to blame: the second when its LastCommit
   * is not a valid +2/3 commit of height H (validators' signatures cannot be forged, so a valid
   * one is the truth), else the first when it is not the block that commit names or is invalid
   * on our state. Null when `first` may be applied.
   */
  private async verify(first: PooledBlock, blockId: BlockID, commit: Commit | null): Promise<{ reason: string; culprit: 'first' | 'second' } | null> {
    const h = first.block.header.height;
    if (!commit) return { reason: `block ${h + 1} carries no LastCommit`, culprit: 'second' };
    const lastCommit = first.block.lastCommit;
    await this.deps.signatures.preverify([
      ...this.commitSignatures(commit, this.state.validators),
      ...(lastCommit && this.state.lastValidators ? this.commitSignatures(lastCommit, this.state.lastValidators) : []),
    ]);
    const err = verifyCommit(this.state.chainId, this.state.validators, commit.blockId, h, commit, this.deps.signatures);
    if (err) return { reason: `block ${h + 1}'s LastCommit: ${err.message}`, culprit: 'second' };
    if (!blockIdEqual(commit.blockId, blockId)) return { reason: `it is not the block the chain committed (${blockIdShort(blockId)}, committed ${blockIdShort(commit.blockId)})`, culprit: 'first' };
    const invalid = validateBlock(this.state, first.block, this.deps.signatures);
    return invalid ? { reason: invalid, culprit: 'first' } : null;
  }

  /** The signatures verifyCommit will look up, to verify them in one batch first. */
  private commitSignatures(commit: Commit, valSet: ValidatorSet): PendingSignature[] {
    if (commit.signatures.length !== valSet.size) return [];
    const out: PendingSignature[] = [];
    commit.signatures.forEach((sig, i) => {
      if (sig.blockIdFlag === BlockIDFlag.Absent) return;
      out.push({ pubKey: valSet.getByIndex(i)!.pubKey, signBytes: voteSignBytesOf(this.state.chainId, commitVote(commit, i)), signature: sig.signature });
    });
    return out;
  }

  private async finish(): Promise<void> {
    this.stop();
    try {
      await this.deps.switchToConsensus(this.state, this.synced);
    } catch (e) {
      return this.deps.fail(e as Error);
    }
    this.emit({ type: 'caughtUp', height: this.state.lastBlockHeight, blocksSynced: this.synced });
  }

  private emit(ev: BlocksyncEvent): void {
    for (const fn of this.listeners) fn(ev);
  }
}
