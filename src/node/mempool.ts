// A FIFO mempool: CheckTx on entry, reap by bytes for proposals, drop what a block committed.
import type { Application } from '../core/app/application.js';
import type { Bytes } from '../core/types.js';
import { toHex } from '../core/bytes.js';

export class Mempool {
  private readonly txs = new Map<string, Bytes>();
  private notifiedHeight = -1;

  constructor(
    private readonly app: Application,
    private readonly maxTxs = 5000,
  ) {}

  get size(): number {
    return this.txs.size;
  }

  /** Returns an error string when the tx is refused. */
  add(tx: Bytes): string | null {
    if (this.txs.size >= this.maxTxs) return 'mempool is full';
    const key = toHex(tx);
    if (this.txs.has(key)) return 'tx already in mempool';
    let res;
    try {
      res = this.app.checkTx(tx);
    } catch (e) {
      // a tx is a peer's bytes: an application that throws on it refuses it, nothing more
      return `CheckTx threw: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (res.code !== 0) return res.log || `CheckTx code ${res.code}`;
    this.txs.set(key, tx);
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
    for (const tx of committed) this.txs.delete(toHex(tx));
  }

  /** At most one txs-available notification per height (spec §3.1 input 4). */
  takeTxsAvailable(height: number): boolean {
    if (this.txs.size === 0 || this.notifiedHeight >= height) return false;
    this.notifiedHeight = height;
    return true;
  }
}
