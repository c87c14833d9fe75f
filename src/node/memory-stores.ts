// In-memory backends of the storage ports, for tests and the simulator (the block store keeps
// every block: it is the in-memory backend). The WAL keeps synced and
// unsynced records apart so that a simulated crash can lose exactly what was not synced.
import type { ChainState } from '../core/state/chain-state.js';
import { copyChainState } from '../core/state/chain-state.js';
import type { StateStore, WAL, WalRecord } from './ports.js';
import { WriteThroughBlockStore } from './write-through-block-store.js';
import { recordsAfterEndHeight } from '../core/wal/scan.js';

export class MemoryWAL implements WAL {
  readonly records: WalRecord[] = [];
  /** records[0 .. synced) survive a crash */
  synced = 0;
  /** Writes attempted so far (the crash points of catalogue group C count these). */
  writes = 0;
  /** Simulated power cut at the n-th write: before it lands, or right after it is durable. */
  crashAt: { write: number; after: boolean; crash: () => void } | null = null;

  // synchronous, so that the node's loop runs an input through without a promise
  write(rec: WalRecord): void {
    this.append(rec, false);
  }

  writeSync(rec: WalRecord): void {
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

/** Keeps every block (it is the in-memory backend): the write-through store over no log, caching all. */
export class MemoryBlockStore extends WriteThroughBlockStore {
  constructor() {
    super(null, 0, 0, Infinity);
  }
}

export class MemoryStateStore implements StateStore {
  private state: ChainState | null = null;

  load(): ChainState | null {
    return this.state ? copyChainState(this.state) : null;
  }

  save(state: ChainState): void {
    this.state = copyChainState(state);
  }
}

