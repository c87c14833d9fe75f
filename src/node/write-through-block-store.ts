// The BlockStore over a block log (Node's append-only file, IndexedDB; none for the in-memory
// store, which caches every block): writes go to the
// log before they count, reads are served from a small LRU cache of decoded blocks and otherwise
// from the log. The BlockStore reads are synchronous (the reactor serves parts from its loop), so
// a log that can only read asynchronously (IndexedDB) answers a miss with null and the block
// arrives in the cache for the next ask (gossip retries); `prefetch` awaits it.
import type { Block, Commit, Part } from '../core/types.js';
import { PartSet } from '../core/blocks/part-set.js';
import { decodeBlock } from '../core/encoding/codec.js';
import type { BlockMeta, BlockStore } from './ports.js';
import { blockHash } from '../core/state/execution.js';

/** One stored block: its exact bytes (the parts joined) and the seen commit saved with it. */
export interface BlockRecord {
  blockBytes: Uint8Array;
  seenCommit: Commit;
}

export interface BlockLog {
  /** Appends durably (resolves once on disk). */
  append(height: number, rec: BlockRecord): Promise<void>;
  /** The record at a stored height: at once (file), or later (IndexedDB); null if missing. */
  read(height: number): BlockRecord | null | Promise<BlockRecord | null>;
}

export const BLOCK_CACHE_SIZE = 32;

/** A block as the stores serve it: decoded, with its meta and parts ready for synchronous reads. */
interface StoredBlock {
  block: Block;
  meta: BlockMeta;
  parts: Part[];
  seenCommit: Commit;
}

function storedBlock(block: Block, parts: PartSet, seenCommit: Commit): StoredBlock {
  const stored: Part[] = [];
  for (let i = 0; i < parts.total; i++) stored.push(parts.getPart(i)!);
  const meta = { blockId: { hash: blockHash(block), partSetHeader: parts.header() }, height: block.header.height, numParts: parts.total };
  return { block, meta, parts: stored, seenCommit };
}

const isPromise = <T>(v: T | Promise<T>): v is Promise<T> => typeof (v as { then?: unknown } | null)?.then === 'function';

export class WriteThroughBlockStore implements BlockStore {
  /** insertion order = recency: the first key is the least recently used */
  private readonly cache = new Map<number, StoredBlock>();
  private readonly pending = new Map<number, Promise<void>>();

  /** `base`..`height` are the heights the log holds (0, 0 when empty); no log: memory only. */
  constructor(
    private readonly log: BlockLog | null,
    private bottom: number,
    private top: number,
    private readonly cacheSize = BLOCK_CACHE_SIZE,
  ) {}

  height(): number {
    return this.top;
  }
  base(): number {
    return this.bottom;
  }

  /** Through the log when there is one; memory only (no log) finishes at once, without a promise. */
  saveBlock(block: Block, parts: PartSet, seenCommit: Commit): void | Promise<void> {
    const h = block.header.height;
    if (this.top > 0 && h !== this.top + 1) throw new Error(`block store: cannot save height ${h} after ${this.top}`);
    const keep = () => {
      this.remember(h, storedBlock(block, parts, seenCommit));
      if (this.bottom === 0) this.bottom = h;
      this.top = h;
    };
    if (this.log) return this.log.append(h, { blockBytes: parts.toBytes(), seenCommit }).then(keep);
    keep();
  }

  loadBlock(height: number): Block | null {
    return this.get(height)?.block ?? null;
  }
  loadBlockMeta(height: number): BlockMeta | null {
    return this.get(height)?.meta ?? null;
  }
  loadBlockPart(height: number, index: number): Part | null {
    return this.get(height)?.parts[index] ?? null;
  }
  loadBlockCommit(height: number): Commit | null {
    return this.get(height + 1)?.block.lastCommit ?? null;
  }
  loadSeenCommit(height: number): Commit | null {
    return this.get(height)?.seenCommit ?? null;
  }

  /** Brings `height` into the cache, so the synchronous reads find it (for asynchronous logs). */
  async prefetch(height: number): Promise<void> {
    if (!this.log || !this.stored(height) || this.cache.has(height)) return;
    const r = this.log.read(height);
    if (!isPromise(r)) return void (r && this.remember(height, decode(r)));
    await this.fetch(height, r);
  }

  /** Heights held in the cache (for tests: it stays bounded). */
  cachedHeights(): number[] {
    return [...this.cache.keys()];
  }

  private stored(h: number): boolean {
    return this.bottom > 0 && h >= this.bottom && h <= this.top;
  }

  private get(h: number): StoredBlock | null {
    if (!this.stored(h)) return null;
    const hit = this.cache.get(h);
    if (hit) {
      this.cache.delete(h);
      this.cache.set(h, hit);
      return hit;
    }
    if (!this.log) return null;
    const r = this.log.read(h);
    if (isPromise(r)) {
      void this.fetch(h, r);
      return null;
    }
    if (!r) return null;
    const sb = decode(r);
    this.remember(h, sb);
    return sb;
  }

  private fetch(h: number, r: Promise<BlockRecord | null>): Promise<void> {
    let p = this.pending.get(h);
    if (!p) {
      p = r.then(
        (rec) => void (rec && this.remember(h, decode(rec))),
        () => undefined, // a failed read is a miss; the next ask tries again
      );
      p.finally(() => this.pending.delete(h));
      this.pending.set(h, p);
    }
    return p;
  }

  private remember(h: number, sb: StoredBlock): void {
    this.cache.delete(h);
    this.cache.set(h, sb);
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }
}

function decode(r: BlockRecord): StoredBlock {
  return storedBlock(decodeBlock(r.blockBytes), PartSet.fromData(r.blockBytes), r.seenCommit);
}
