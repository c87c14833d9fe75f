// The WAL in a file (Node): CometBFT's binary framing, appends through one file handle, and
// fsync where CometBFT syncs: our own messages and EndHeight markers before they take effect.
import { copyFile, mkdir, open, readFile, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { PrevoteError } from '../../core/errors.js';
import type { WAL, WalRecord } from '../../node/ports.js';
import { encodeWalRecord } from '../../core/wal/record.js';
import type { WalScan } from '../../core/wal/scan.js';
import { recordsAfterEndHeight, scanCometWal } from '../../core/wal/scan.js';

/** OpenWAL, as the seed names it: creates the WAL's directory (owner only) and opens the file. */
export async function openWAL(walFile: string, opts: { repair?: boolean } = {}): Promise<FileWAL> {
  await mkdir(dirname(walFile), { recursive: true, mode: 0o700 });
  return FileWAL.open(walFile, opts);
}

export class FileWAL implements WAL {
  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    private size: number,
  ) {}

  /**
   * Opens (creating) the WAL for appending. A damaged file is refused with its offset, since
   * records appended after damage could never be read back; with `repair` the readable prefix is
   * kept (the original goes to PATH.CORRUPTED), as CometBFT does on start.
   */
  static async open(path: string, { repair = false } = {}): Promise<FileWAL> {
    const scan = repair ? await FileWAL.repair(path) : await readScan(path);
    if (scan.corruption && !repair) {
      const c = scan.corruption;
      throw new PrevoteError('ErrWalCorrupted', `${path}: record #${c.index} at byte ${c.offset}: ${c.reason}`, { path, ...c });
    }
    const fh = await open(path, 'a');
    return new FileWAL(path, fh, scan.goodLength);
  }

  static async repair(path: string): Promise<WalScan> {
    const scan = await readScan(path);
    if (scan.corruption) {
      await copyFile(path, `${path}.CORRUPTED`);
      await truncate(path, scan.goodLength);
    }
    return scan;
  }

  async write(rec: WalRecord): Promise<void> {
    const bytes = encodeWalRecord(rec);
    await this.fh.write(bytes, 0, bytes.length, null);
    this.size += bytes.length;
  }

  async writeSync(rec: WalRecord): Promise<void> {
    await this.write(rec);
    await this.fh.sync();
  }

  async isEmpty(): Promise<boolean> {
    return this.size === 0;
  }

  async recordsAfterEndHeight(height: number): Promise<WalRecord[] | null> {
    const scan = await readScan(this.path);
    return recordsAfterEndHeight(
      scan.entries.map((e) => e.record),
      height,
    );
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

async function readScan(path: string): Promise<WalScan> {
  try {
    return scanCometWal(new Uint8Array(await readFile(path)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], goodLength: 0, corruption: null };
    throw e;
  }
}
