// IndexedDB backends of the storage ports (through `idb`), for a node in a browser worker. One
// database per node. WAL records are stored in CometBFT's framing, so the WAL exports as a
// CometBFT WAL file by concatenation. What must be durable (own messages, EndHeight, the
// PrivValidator state, blocks, the chain state) commits with durability 'strict'; Chromium's
// default 'relaxed' may report a commit before it reaches the disk (notes/storage).
import { openDB } from 'idb';
import type { DBSchema, IDBPDatabase } from 'idb';
import { concat } from '../../core/bytes.js';
import { decodeCommit, encodeCommit } from '../../core/encoding/codec.js';
import type { ChainState } from '../../core/state/chain-state.js';
import { chainStateFromJson, chainStateToJson } from '../../core/state/chain-state-json.js';
import type { LastSignState } from '../../core/privval/sign-state.js';
import { signStateFromJson, signStateToJson } from '../../core/privval/sign-state-json.js';
import type { WalRecord } from '../../core/wal/record.js';
import { encodeWalRecord } from '../../core/wal/record.js';
import { recordsAfterEndHeight, scanCometWal } from '../../core/wal/scan.js';
import { PrevoteError } from '../../core/errors.js';
import type { StateStore, WAL } from '../../node/ports.js';
import type { BlockLog, BlockRecord } from '../../node/write-through-block-store.js';
import { BLOCK_CACHE_SIZE, WriteThroughBlockStore } from '../../node/write-through-block-store.js';
import type { PrivValidatorStateStore } from '../../node/priv-validator.js';

interface NodeDB extends DBSchema {
  wal: { key: number; value: Uint8Array };
  blocks: { key: number; value: { blockBytes: Uint8Array; seenCommit: Uint8Array } };
  meta: { key: string; value: string };
}

export type NodeDatabase = IDBPDatabase<NodeDB>;

export function openNodeDatabase(name: string): Promise<NodeDatabase> {
  return openDB<NodeDB>(`prevote-node-${name}`, 1, {
    upgrade(db) {
      db.createObjectStore('wal', { autoIncrement: true });
      db.createObjectStore('blocks');
      db.createObjectStore('meta');
    },
  });
}

export class IdbWAL implements WAL {
  constructor(protected readonly db: NodeDatabase) {}

  protected async append(rec: WalRecord, durability: IDBTransactionDurability): Promise<void> {
    const tx = this.db.transaction('wal', 'readwrite', { durability });
    await Promise.all([tx.store.add(encodeWalRecord(rec)), tx.done]);
  }

  write(rec: WalRecord): Promise<void> {
    return this.append(rec, 'relaxed');
  }

  writeSync(rec: WalRecord): Promise<void> {
    return this.append(rec, 'strict');
  }

  async isEmpty(): Promise<boolean> {
    return (await this.db.count('wal')) === 0;
  }

  /** The whole WAL as one CometBFT WAL file. */
  async exportBytes(): Promise<Uint8Array> {
    return concat(...(await this.db.getAll('wal')));
  }

  async recordsAfterEndHeight(height: number): Promise<WalRecord[] | null> {
    const scan = scanCometWal(await this.exportBytes());
    if (scan.corruption) throw new PrevoteError('ErrWalCorrupted', `IndexedDB WAL record #${scan.corruption.index}: ${scan.corruption.reason}`);
    return recordsAfterEndHeight(
      scan.entries.map((e) => e.record),
      height,
    );
  }
}

/** The blocks object store as a block log: reads are asynchronous (see WriteThroughBlockStore). */
class IdbBlockLog implements BlockLog {
  constructor(private readonly db: NodeDatabase) {}

  async append(height: number, rec: BlockRecord): Promise<void> {
    const tx = this.db.transaction('blocks', 'readwrite', { durability: 'strict' });
    await Promise.all([tx.store.put({ blockBytes: rec.blockBytes, seenCommit: encodeCommit(rec.seenCommit) }, height), tx.done]);
  }

  async read(height: number): Promise<BlockRecord | null> {
    const v = await this.db.get('blocks', height);
    return v ? { blockBytes: v.blockBytes, seenCommit: decodeCommit(v.seenCommit) } : null;
  }
}

/**
 * IndexedDB blocks behind the shared write-through store: a bounded cache of decoded blocks, the
 * newest loaded at open (what the handshake and peers just behind ask for); an older height is
 * read from IndexedDB on its first ask (which answers null) and served from the cache after.
 */
export class IdbBlockStore extends WriteThroughBlockStore {
  static async open(db: NodeDatabase, cacheSize = BLOCK_CACHE_SIZE): Promise<IdbBlockStore> {
    const tx = db.transaction('blocks');
    const first = await tx.store.openKeyCursor();
    const base = first ? first.key : 0;
    const last = await tx.store.openKeyCursor(null, 'prev');
    const height = last ? last.key : 0;
    const store = new IdbBlockStore(new IdbBlockLog(db), base, height, cacheSize);
    for (let h = Math.max(base, height - cacheSize + 1); base > 0 && h <= height; h++) await store.prefetch(h);
    return store;
  }
}

export class IdbStateStore implements StateStore {
  private constructor(
    private readonly db: NodeDatabase,
    private state: ChainState | null,
  ) {}

  static async open(db: NodeDatabase): Promise<IdbStateStore> {
    const json = await db.get('meta', 'state');
    return new IdbStateStore(db, json ? chainStateFromJson(json) : null);
  }

  load(): ChainState | null {
    return this.state && chainStateFromJson(chainStateToJson(this.state));
  }

  async save(state: ChainState): Promise<void> {
    const json = chainStateToJson(state);
    const tx = this.db.transaction('meta', 'readwrite', { durability: 'strict' });
    await Promise.all([tx.store.put(json, 'state'), tx.done]);
    this.state = chainStateFromJson(json);
  }
}

export class IdbPrivValidatorStateStore implements PrivValidatorStateStore {
  constructor(private readonly db: NodeDatabase) {}

  async load(): Promise<LastSignState | null> {
    const json = await this.db.get('meta', 'privval');
    return json === undefined ? null : signStateFromJson(json);
  }

  async save(state: LastSignState): Promise<void> {
    const tx = this.db.transaction('meta', 'readwrite', { durability: 'strict' });
    await Promise.all([tx.store.put(signStateToJson(state), 'privval'), tx.done]);
  }
}

/**
 * A validator's WAL and PrivValidator state, written together (spec §10.1, §12): `save` stages the
 * state a new signature advanced, and the next `writeSync` — the WAL record of the signed message,
 * which the node writes before it sends the message — commits both in one strict transaction.
 * So a signature never leaves without its state on disk, at one disk flush per own message instead
 * of two, and a crash in between loses both together: that signature was never seen by anyone.
 * Only for a node that sends its own messages after writing them synced (ConsensusNode does).
 */
export class IdbSigningJournal extends IdbWAL implements PrivValidatorStateStore {
  private staged: LastSignState | null = null;

  async load(): Promise<LastSignState | null> {
    if (this.staged) return { ...this.staged };
    const json = await this.db.get('meta', 'privval');
    return json === undefined ? null : signStateFromJson(json);
  }

  async save(state: LastSignState): Promise<void> {
    this.staged = { ...state };
  }

  override async writeSync(rec: WalRecord): Promise<void> {
    const staged = this.staged;
    if (!staged) return this.append(rec, 'strict');
    const tx = this.db.transaction(['wal', 'meta'], 'readwrite', { durability: 'strict' });
    await Promise.all([tx.objectStore('wal').add(encodeWalRecord(rec)), tx.objectStore('meta').put(signStateToJson(staged), 'privval'), tx.done]);
    // a newer state staged while this one committed waits for the next synced write
    if (this.staged === staged) this.staged = null;
  }
}
