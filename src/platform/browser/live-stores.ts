// A live node's storage (issue 13): the chain's IndexedDB database when this tab is the validator,
// or memory for an observer (and the tests). What the node needs of either is LiveStores.
import { concat } from '../../core/bytes.js';
import type { WalRecord } from '../../core/wal/record.js';
import { encodeWalRecord } from '../../core/wal/record.js';
import { recordsAfterEndHeight } from '../../core/wal/scan.js';
import type { PrivValidatorStateStore } from '../../node/priv-validator.js';
import { MemoryPrivValidatorStateStore } from '../../node/priv-validator.js';
import { MemoryStateStore } from '../../node/memory-stores.js';
import type { StateStore, WAL } from '../../node/ports.js';
import { WriteThroughBlockStore } from '../../node/write-through-block-store.js';
import { IdbBlockStore, IdbSigningJournal, IdbStateStore, openNodeDatabase } from './idb-stores.js';

/** The stores a live node runs on: the chain's IndexedDB database, or memory for an observer. */
export interface LiveStores {
  wal: WAL;
  /** the PrivValidator's last-sign state (IdbSigningJournal: the WAL itself, committed with it) */
  signState: PrivValidatorStateStore;
  blockStore: WriteThroughBlockStore;
  stateStore: StateStore;
  /** the WAL as one CometBFT WAL file */
  exportWal(): Promise<Uint8Array>;
  /** calls `cb` if the storage goes away underneath the node (site data cleared) */
  onLost(cb: (why: string) => void): void;
  close(): void;
}

/** How long opening the database may take before we say it is blocked (another tab's old version). */
const OPEN_TIMEOUT_MS = 10_000;

/** The chain's IndexedDB database (one per chain id): WAL and sign state in one journal, blocks, state. */
export async function openIdbStores(chainId: string): Promise<LiveStores> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const opening = openNodeDatabase(chainId);
  const blocked = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // if it opens after all, nobody uses it: let it go
      opening.then((db) => db.close(), () => undefined);
      reject(new Error(`IndexedDB did not open within ${OPEN_TIMEOUT_MS / 1000} s: another tab (an older Prevote?) is blocking its upgrade; close the other Prevote tabs and reload`));
    }, OPEN_TIMEOUT_MS);
  });
  const db = await Promise.race([opening, blocked]).finally(() => clearTimeout(timer));
  const journal = new IdbSigningJournal(db);
  const blockStore = await IdbBlockStore.open(db);
  const stateStore = await IdbStateStore.open(db);
  return {
    wal: journal,
    signState: journal,
    blockStore,
    stateStore,
    exportWal: () => journal.exportBytes(),
    // 'close' fires when the browser closes the connection itself (the user cleared site data)
    onLost: (cb) => db.addEventListener('close', () => cb('the browser closed the IndexedDB database (was site data cleared?)')),
    close: () => db.close(),
  };
}

/**
 * An observer's WAL: in memory, only the last few heights (it is never replayed — an observer
 * starts afresh each time — and a long-open tab must not grow without bound). Exported all the same.
 */
export class RecentWAL implements WAL {
  records: WalRecord[] = [];
  constructor(private readonly keepHeights = 3) {}
  async write(rec: WalRecord): Promise<void> {
    this.records.push(rec);
    if (rec.type === 'endHeight') {
      const from = this.records.findIndex((r) => r.type === 'endHeight' && r.height > rec.height - this.keepHeights);
      if (from > 0) this.records = this.records.slice(from);
    }
  }
  writeSync(rec: WalRecord): Promise<void> {
    return this.write(rec);
  }
  async isEmpty(): Promise<boolean> {
    return this.records.length === 0;
  }
  async recordsAfterEndHeight(height: number): Promise<WalRecord[] | null> {
    return recordsAfterEndHeight(this.records, height);
  }
}

/** Blocks an observer keeps: the newest few (enough to serve peers just behind and to start consensus). */
const OBSERVER_BLOCKS = 64;

/** Memory stores: an observer's, and the tests'. */
export function memoryStores(): LiveStores {
  const wal = new RecentWAL();
  return {
    wal,
    signState: new MemoryPrivValidatorStateStore(),
    blockStore: new WriteThroughBlockStore(null, 0, 0, OBSERVER_BLOCKS),
    stateStore: new MemoryStateStore(),
    exportWal: async () => concat(...wal.records.map(encodeWalRecord)),
    onLost: () => undefined,
    close: () => undefined,
  };
}
