// In-memory backends of the storage ports, for tests and the simulator. The WAL keeps synced and
// unsynced records apart so that a simulated crash can lose exactly what was not synced.
import type { Block, Commit, Part } from '../core/types.js';
import type { ChainState } from '../core/state/chain-state.js';
import { copyChainState } from '../core/state/chain-state.js';
import type { PartSet } from '../core/blocks/part-set.js';
import { blockHash } from '../core/state/execution.js';
import type { BlockMeta, BlockStore, StateStore, WAL, WalRecord } from './ports.js';
import { recordsAfterEndHeight } from '../core/wal/scan.js';

export class MemoryWAL implements WAL {
  readonly records: WalRecord[] = [];
  /** records[0 .. synced) survive a crash */
  synced = 0;
  /** Writes attempted so far (the crash points of catalogue group C count these). */
  writes = 0;
  /** Simulated power cut at the n-th write: before it lands, or right after it is durable. */
  crashAt: { write: number; after: boolean; crash: () => void } | null = null;

  async write(rec: WalRecord): Promise<void> {
    this.append(rec, false);
  }

  async writeSync(rec: WalRecord): Promise<void> {
    this.append(rec, true);
  }

  private append(rec: WalRecord, sync: boolean): void {
    this.writes++;
    const c = this.crashAt;
    const crashing = c !== null && c.write === this.writes;
    if (crashing && !c.after) {
      this.crashAt = null;
      c.crash();
      throw new Error(`simulated crash before WAL write ${this.writes}`);
    }
    this.records.push(rec);
    if (sync || crashing) this.synced = this.records.length;
    if (crashing) {
      this.crashAt = null;
      c.crash();
      throw new Error(`simulated crash after WAL write ${this.writes}`);
    }
  }

  async isEmpty(): Promise<boolean> {
    return this.records.length === 0;
  }

  async recordsAfterEndHeight(height: number): Promise<WalRecord[] | null> {
    return recordsAfterEndHeight(this.records, height);
  }

  /** A crash: unsynced records are lost. */
  crash(): void {
    this.records.length = this.synced;
  }
}

interface StoredBlock {
  block: Block;
  meta: BlockMeta;
  parts: Part[];
  seenCommit: Commit;
}

export class MemoryBlockStore implements BlockStore {
  private readonly blocks = new Map<number, StoredBlock>();
  private top = 0;
  private bottom = 0;

  height(): number {
    return this.top;
  }

  base(): number {
    return this.bottom;
  }

  async saveBlock(block: Block, parts: PartSet, seenCommit: Commit): Promise<void> {
    const h = block.header.height;
    if (this.top > 0 && h !== this.top + 1) throw new Error(`block store: cannot save height ${h} after ${this.top}`);
    const stored: Part[] = [];
    for (let i = 0; i < parts.total; i++) stored.push(parts.getPart(i)!);
    this.blocks.set(h, {
      block,
      meta: { blockId: { hash: blockHash(block), partSetHeader: parts.header() }, height: h, numParts: parts.total },
      parts: stored,
      seenCommit,
    });
    if (this.bottom === 0) this.bottom = h;
    this.top = h;
  }

  loadBlock(height: number): Block | null {
    return this.blocks.get(height)?.block ?? null;
  }

  loadBlockMeta(height: number): BlockMeta | null {
    return this.blocks.get(height)?.meta ?? null;
  }

  loadBlockPart(height: number, index: number): Part | null {
    return this.blocks.get(height)?.parts[index] ?? null;
  }

  loadBlockCommit(height: number): Commit | null {
    return this.blocks.get(height + 1)?.block.lastCommit ?? null;
  }

  loadSeenCommit(height: number): Commit | null {
    return this.blocks.get(height)?.seenCommit ?? null;
  }
}

export class MemoryStateStore implements StateStore {
  private state: ChainState | null = null;

  load(): ChainState | null {
    return this.state ? copyChainState(this.state) : null;
  }

  async save(state: ChainState): Promise<void> {
    this.state = copyChainState(state);
  }
}

