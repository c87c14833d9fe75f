// The ports a node is built from. Each has an in-memory backend here; Node files, IndexedDB and
// libp2p implement the same interfaces later, and the simulator plugs in virtual ones.
import type { Block, Commit, Part } from '../core/types.js';
import type { ChainState } from '../core/state/chain-state.js';
import type { FinalizeBlockResponse } from '../core/app/application.js';
import type { Announcement, StateMessage } from '../core/consensus/io.js';
import type { PartSet } from '../core/blocks/part-set.js';
import type { BlockID } from '../core/types.js';

/** Milliseconds; a real clock or the simulator's virtual one. */
export interface Clock {
  now(): number;
}

export interface TimerHandle {
  cancel(): void;
}

export interface Scheduler {
  after(ms: number, fn: () => void): TimerHandle;
}

export type { WalRecord } from '../core/wal/record.js';
import type { WalRecord } from '../core/wal/record.js';

export interface WAL {
  /** Buffered append (peer messages, timeouts, step records); in-memory WALs finish at once. */
  write(rec: WalRecord): void | Promise<void>;
  /** Append and make everything so far durable before resolving (own messages, EndHeight). */
  writeSync(rec: WalRecord): void | Promise<void>;
  /** Whether the WAL holds no record at all (a new node writes the EndHeight 0 marker). */
  isEmpty(): Promise<boolean>;
  /**
   * The records after the EndHeight marker of `height`, for catch-up replay (spec §10.4); null
   * when there is no such marker. Refuses (throws) when a marker for a later height exists.
   */
  recordsAfterEndHeight(height: number): Promise<WalRecord[] | null>;
}

export interface BlockMeta {
  blockId: BlockID;
  height: number;
  numParts: number;
}

export interface BlockStore {
  height(): number;
  base(): number;
  /** Durable when it returns or resolves (an in-memory store finishes at once: no promise). */
  saveBlock(block: Block, parts: PartSet, seenCommit: Commit): void | Promise<void>;
  loadBlock(height: number): Block | null;
  loadBlockMeta(height: number): BlockMeta | null;
  loadBlockPart(height: number, index: number): Part | null;
  /** The canonical commit for `height`, i.e. the LastCommit stored in block height+1. */
  loadBlockCommit(height: number): Commit | null;
  /** Our own +2/3 precommits for `height`, saved with the block. */
  loadSeenCommit(height: number): Commit | null;
  /** Brings `height` in for the synchronous reads above, where reads are asynchronous (IndexedDB). */
  prefetch?(height: number): Promise<void>;
}

export interface StateStore {
  load(): ChainState | null;
  /** Durable when it returns or resolves (an in-memory store finishes at once: no promise). */
  save(state: ChainState, response: FinalizeBlockResponse): void | Promise<void>;
}

/** Where a node's own consensus messages go once they are durable (direct delivery or the reactor). */
export interface ConsensusNetwork {
  /** Our own signed message, durable and handled: offer it to peers. */
  broadcast(msg: StateMessage): void;
  /** What we tell every peer about ourselves (NewRoundStep, NewValidBlock, HasVote, HasProposalBlockPart). */
  publish(msg: Announcement): void;
  /** The engine found the peer breaking a rule (e.g. conflicting maj23 claims): disconnect it. */
  stopPeer(peerId: string, reason: string): void;
}
