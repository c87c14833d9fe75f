// A FIFO mempool: CheckTx on entry, reap by bytes for proposals, drop what a block committed (and
// refuse it later: a copy gossiped after the block must not be proposed again). Bounded in count and bytes.
import type { Application } from '../core/app/application.js';
import type { Bytes } from '../core/types.js';
import { toHex } from '../core/bytes.js';
import { sha256 } from '../core/crypto/sha256.js';

export class Mempool {
  private readonly txs = new Map<string, Bytes>();
  private notifiedHeight = -1;
  private totalBytes = 0;
  /** Hashes of recently committed txs (CometBFT keeps them in its cache): a late copy is refused. */
  private readonly committed = new Set<string>();

  constructor(
    private readonly app: Application,
    private readonly maxTxs = 5000,
    /** CometBFT's mempool.max_txs_bytes, scaled down: the txs' bytes together. */
    private readonly maxTotalBytes = 64 * 1024 * 1024,
    /** CometBFT's mempool.max_tx_bytes. */
    private readonly maxTxBytes = 1024 * 1024,
    /** Committed tx hashes remembered (CometBFT's cache_size). */
    private readonly committedCacheSize = 10_000,
  ) {}

  get size(): number {
    return this.txs.size;
  }

  /** The bytes of every tx held. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Returns an error string when the tx is refused. */
  add(tx: Bytes): string | null {
    if (tx.length === 0) return 'tx is empty';
    if (tx.length > this.maxTxBytes) return `tx of ${tx.length} bytes exceeds ${this.maxTxBytes}`;
    if (this.txs.size >= this.maxTxs) return 'mempool is full';
    if (this.totalBytes + tx.length > this.maxTotalBytes) return 'mempool is full (bytes)';
    const key = toHex(tx);
    if (this.txs.has(key)) return 'tx already in mempool';
    if (this.committed.has(toHex(sha256(tx)))) return 'tx already committed';
    let res;
    try {
      res = this.app.checkTx(tx);
    } catch (e) {
      // a tx is a peer's bytes: an application that throws on it refuses it, nothing more
      return `CheckTx threw: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (res.code !== 0) return res.log || `CheckTx code ${res.code}`;
    this.txs.set(key, tx);
    this.totalBytes += tx.length;
    return null;
  }

  reap(maxBytes: number): Bytes[] {
    const out: Bytes[] = [];
    let bytes = 0;
    for (const tx of this.txs.values()) {
      if (bytes + tx.length > maxBytes) break;
      bytes += tx.length;
      out.push(tx);
    }
    return out;
  }

  /** After a block: drop its txs. */
  update(committed: Bytes[]): void {
    for (const tx of committed) {
      this.committed.add(toHex(sha256(tx)));
      if (this.committed.size > this.committedCacheSize) this.committed.delete(this.committed.values().next().value as string);
      const key = toHex(tx);
      const held = this.txs.get(key);
      if (held && this.txs.delete(key)) this.totalBytes -= held.length;
    }
  }

  /** At most one txs-available notification per height (spec §3.1 input 4). */
  takeTxsAvailable(height: number): boolean {
    if (this.txs.size === 0 || this.notifiedHeight >= height) return false;
    this.notifiedHeight = height;
    return true;
  }
}
