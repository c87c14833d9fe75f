// Durable stores for a Node validator, in one directory:
//   blocks.log              append-only framed records (CRC-32C, as the WAL) of each block's
//                           bytes and seen commit, fsync'd; kept in memory for the synchronous
//                           reads the reactor makes; a torn last record (a crash mid-append) is cut
//   state.json              the ChainState, replaced atomically (temp file, fsync, rename)
//   priv_validator_state.json  CometBFT's file, replaced atomically before a signature is released
import { mkdir, open, readFile, rename, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Block, Commit, Part } from '../../core/types.js';
import { PrevoteError } from '../../core/errors.js';
import { PartSet } from '../../core/blocks/part-set.js';
import { decodeBlock, decodeCommit, encodeCommit } from '../../core/encoding/codec.js';
import { BinaryWriter, L, V, readInt64, readMessage } from '../../core/encoding/proto.js';
import type { ChainState } from '../../core/state/chain-state.js';
import { chainStateFromJson, chainStateToJson } from '../../core/state/chain-state-json.js';
import type { LastSignState } from '../../core/privval/sign-state.js';
import { signStateFromJson, signStateToJson } from '../../core/privval/sign-state-json.js';
import { frame, scanFrames } from '../../core/wal/framing.js';
import type { BlockMeta, BlockStore, StateStore } from '../../node/ports.js';
import { MemoryBlockStore } from '../../node/memory-stores.js';
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

export class FileBlockStore implements BlockStore {
  private constructor(
    private readonly path: string,
    private readonly mem: MemoryBlockStore,
  ) {}

  static async open(dir: string): Promise<FileBlockStore> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'blocks.log');
    const bytes = new Uint8Array((await readIfExists(path)) ?? new Uint8Array(0));
    const scan = scanFrames(bytes, decodeBlockRecord, MAX_BLOCK_RECORD);
    if (scan.corruption) {
      // a torn final append (truncated) is the crash we expect; any other damage is not ours to drop
      if (!/truncated/.test(scan.corruption.reason)) {
        throw new PrevoteError('ErrBlockStoreCorrupted', `${path}: record #${scan.corruption.index} at byte ${scan.corruption.offset}: ${scan.corruption.reason}`, { path });
      }
      await truncate(path, scan.goodLength);
    }
    const mem = new MemoryBlockStore();
    for (const { value } of scan.items) {
      const parts = PartSet.fromData(value.blockBytes);
      await mem.saveBlock(decodeBlock(value.blockBytes), parts, value.seenCommit);
    }
    return new FileBlockStore(path, mem);
  }

  async saveBlock(block: Block, parts: PartSet, seenCommit: Commit): Promise<void> {
    const record = frame(encodeBlockRecord(block.header.height, parts.toBytes(), seenCommit));
    const fh = await open(this.path, 'a');
    try {
      await fh.write(record);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await this.mem.saveBlock(block, parts, seenCommit);
  }

  height(): number {
    return this.mem.height();
  }
  base(): number {
    return this.mem.base();
  }
  loadBlock(height: number): Block | null {
    return this.mem.loadBlock(height);
  }
  loadBlockMeta(height: number): BlockMeta | null {
    return this.mem.loadBlockMeta(height);
  }
  loadBlockPart(height: number, index: number): Part | null {
    return this.mem.loadBlockPart(height, index);
  }
  loadBlockCommit(height: number): Commit | null {
    return this.mem.loadBlockCommit(height);
  }
  loadSeenCommit(height: number): Commit | null {
    return this.mem.loadSeenCommit(height);
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
