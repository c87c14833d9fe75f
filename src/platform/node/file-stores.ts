// Durable stores for a Node validator, in one directory:
//   blocks.log              append-only framed records (CRC-32C, as the WAL) of each block's
//                           bytes and seen commit, fsync'd; read back by an index of offsets
//                           (plus a small cache); a torn last record (a crash mid-append) is cut
//   state.json              the ChainState, replaced atomically (temp file, fsync, rename)
//   priv_validator_state.json  CometBFT's file, replaced atomically before a signature is released
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir, open, readFile, rename, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Commit } from '../../core/types.js';
import { PrevoteError } from '../../core/errors.js';
import { decodeCommit, encodeCommit } from '../../core/encoding/codec.js';
import { BinaryWriter, L, V, readInt64, readMessage } from '../../core/encoding/proto.js';
import type { ChainState } from '../../core/state/chain-state.js';
import { chainStateFromJson, chainStateToJson } from '../../core/state/chain-state-json.js';
import type { LastSignState } from '../../core/privval/sign-state.js';
import { signStateFromJson, signStateToJson } from '../../core/privval/sign-state-json.js';
import { frame, scanFrames, WAL_HEADER_SIZE } from '../../core/wal/framing.js';
import type { StateStore } from '../../node/ports.js';
import type { BlockLog, BlockRecord } from '../../node/write-through-block-store.js';
import { BLOCK_CACHE_SIZE, WriteThroughBlockStore } from '../../node/write-through-block-store.js';
import type { PrivValidatorStateStore } from '../../node/priv-validator.js';

/** Writes a whole file so that a crash leaves either the old or the new contents. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync(); // the rename itself must survive
  } finally {
    await dir.close();
  }
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

// blocks.log record: { height = 1 (int64), block = 2 (the exact bytes of its parts), seen_commit = 3 }
const MAX_BLOCK_RECORD = 110 * 1024 * 1024;

function encodeBlockRecord(height: number, blockBytes: Uint8Array, seenCommit: Commit): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, V).int64(height);
  w.tag(2, L).bytes(blockBytes);
  w.tag(3, L).bytes(encodeCommit(seenCommit));
  return w.finish();
}

function decodeBlockRecord(data: Uint8Array): { height: number; blockBytes: Uint8Array; seenCommit: Commit } {
  let height = 0;
  let blockBytes: Uint8Array = new Uint8Array(0);
  let seenCommit: Commit | null = null;
  readMessage(data, 'BlockRecord', {
    1: [V, (r) => (height = readInt64(r, 'height'))],
    2: [L, (r) => (blockBytes = r.bytes())],
    3: [L, (r) => (seenCommit = decodeCommit(r.bytes()))],
  });
  if (!seenCommit) throw new PrevoteError('ErrBlockRecord', `block record ${height} without a seen commit`);
  return { height, blockBytes, seenCommit };
}

/**
 * blocks.log read by offset: at open the log is walked record by record (each checked, then
 * dropped) into an index of offsets, so memory holds the index and the store's small cache, not
 * the chain. Reads are synchronous (readSync at the offset) and check the record's CRC again.
 */
class FileBlockLog implements BlockLog {
  constructor(
    private readonly path: string,
    /** by height - base: byte offset and size of the framed record */
    private readonly offsets: number[],
    private readonly sizes: number[],
    private base: number,
  ) {}

  static async open(path: string): Promise<{ log: FileBlockLog; base: number; height: number }> {
    const index = { offsets: [] as number[], sizes: [] as number[], base: 0 };
    const fd = openSync(path, existsSync(path) ? 'r' : 'a+');
    let offset = 0;
    let torn = false;
    try {
      const size = fstatSync(fd).size;
      const header = Buffer.alloc(WAL_HEADER_SIZE);
      while (offset < size) {
        if (size - offset < WAL_HEADER_SIZE) {
          torn = true;
          break;
        }
        readSync(fd, header, 0, WAL_HEADER_SIZE, offset);
        const length = header.readUInt32BE(4);
        if (length <= MAX_BLOCK_RECORD && size - offset - WAL_HEADER_SIZE < length) {
          torn = true;
          break;
        }
        const rec = readRecord(fd, path, offset, Math.min(WAL_HEADER_SIZE + length, size - offset), index.offsets.length);
        const expected = index.base === 0 ? rec.height : index.base + index.offsets.length;
        if (rec.height !== expected) throw new PrevoteError('ErrBlockStoreCorrupted', `${path}: record at byte ${offset} holds height ${rec.height}, expected ${expected}`, { path });
        if (index.base === 0) index.base = rec.height;
        index.offsets.push(offset);
        index.sizes.push(WAL_HEADER_SIZE + length);
        offset += WAL_HEADER_SIZE + length;
      }
    } finally {
      closeSync(fd);
    }
    // a torn final append (a crash mid-write) is the damage we expect: cut it
    if (torn) await truncate(path, offset);
    const n = index.offsets.length;
    return { log: new FileBlockLog(path, index.offsets, index.sizes, index.base), base: index.base, height: n ? index.base + n - 1 : 0 };
  }

  async append(height: number, rec: BlockRecord): Promise<void> {
    const record = frame(encodeBlockRecord(height, rec.blockBytes, rec.seenCommit));
    const fh = await open(this.path, 'a');
    let offset: number;
    try {
      offset = (await fh.stat()).size;
      await fh.write(record);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (this.base === 0) this.base = height;
    this.offsets.push(offset);
    this.sizes.push(record.length);
  }

  read(height: number): BlockRecord | null {
    const i = height - this.base;
    if (this.base === 0 || i < 0 || i >= this.offsets.length) return null;
    const fd = openSync(this.path, 'r');
    try {
      const { blockBytes, seenCommit } = readRecord(fd, this.path, this.offsets[i], this.sizes[i], i);
      return { blockBytes, seenCommit };
    } finally {
      closeSync(fd);
    }
  }
}

/** Reads and checks one framed record (CRC, decoding); damage is a typed error naming where. */
function readRecord(fd: number, path: string, offset: number, size: number, index: number): ReturnType<typeof decodeBlockRecord> {
  const buf = new Uint8Array(size);
  for (let got = 0; got < size; ) {
    const n = readSync(fd, buf, got, size - got, offset + got);
    if (n === 0) break;
    got += n;
  }
  const scan = scanFrames(buf, decodeBlockRecord, MAX_BLOCK_RECORD);
  if (scan.corruption || scan.items.length !== 1) {
    throw new PrevoteError('ErrBlockStoreCorrupted', `${path}: record #${index} at byte ${offset}: ${scan.corruption?.reason ?? 'not one record'}`, { path });
  }
  return scan.items[0].value;
}

/** The Node file block store: blocks.log behind the shared write-through store. */
export class FileBlockStore extends WriteThroughBlockStore {
  static async open(dir: string, cacheSize = BLOCK_CACHE_SIZE): Promise<FileBlockStore> {
    await mkdir(dir, { recursive: true });
    const { log, base, height } = await FileBlockLog.open(join(dir, 'blocks.log'));
    return new FileBlockStore(log, base, height, cacheSize);
  }
}

export class FileStateStore implements StateStore {
  private constructor(
    private readonly path: string,
    private state: ChainState | null,
  ) {}

  /** Fails (typed) on a damaged state file rather than starting from genesis over it. */
  static async open(dir: string): Promise<FileStateStore> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'state.json');
    const text = await readIfExists(path);
    return new FileStateStore(path, text ? chainStateFromJson(text.toString('utf8')) : null);
  }

  load(): ChainState | null {
    return this.state && chainStateFromJson(chainStateToJson(this.state));
  }

  async save(state: ChainState): Promise<void> {
    const json = chainStateToJson(state);
    await writeFileAtomic(this.path, json);
    this.state = chainStateFromJson(json);
  }
}

export class FilePrivValidatorStateStore implements PrivValidatorStateStore {
  constructor(readonly path: string) {}

  async load(): Promise<LastSignState | null> {
    const text = await readIfExists(this.path);
    return text ? signStateFromJson(text.toString('utf8')) : null;
  }

  async save(state: LastSignState): Promise<void> {
    await writeFileAtomic(this.path, signStateToJson(state));
  }
}
