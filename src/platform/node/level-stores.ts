// LevelDB stores for a Node (classic-level), two databases in the node's data dir, as CometBFT:
//   blockstore.db  "H:<h>"       BlockMeta {block_id = 1, block_size = 2, header = 3, num_txs = 4}
//                  "P:<h>:<i>"   Part (codec.ts)
//                  "C:<h>"       canonical commit of h = block h+1's LastCommit (saved with h+1)
//                  "SC:<h>"      seen commit, saved with h
//                  "BH:<hex>"    height (decimal) by block hash
//                  "blockStore"  BlockStoreState {base = 1, height = 2}
//   state.db       "stateKey"                ChainState JSON (chain-state-json.ts)
//                  "validatorsKey:<h>"       the validator set of height h (JSON; full set each height)
//                  "abciResponsesKey:<h>"    the FinalizeBlock response of block h (JSON)
// Every write is one atomic batch with sync (fsync). Reads are synchronous (getSync): the
// consensus reactor serves parts from its loop. Memory stays bounded: one key per read, plus a
// small LRU of decoded blocks; nothing is indexed in memory.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { Block, BlockID, Bytes, Commit, Header, Part } from '../../core/types.js';
import { PrevoteError } from '../../core/errors.js';
import { concat, fromHex, toHex } from '../../core/bytes.js';
import { decodeBlock, decodeBlockId, decodeCommit, decodeHeader, decodePart, encodeCommit, encodeWith, writeBlockId, writeHeader, writePart } from '../../core/encoding/codec.js';
import { BinaryWriter, L, V, readInt64, readMessage, writeInt64, writeMessage } from '../../core/encoding/proto.js';
import type { PartSet } from '../../core/blocks/part-set.js';
import { blockHash } from '../../core/state/execution.js';
import type { ChainState } from '../../core/state/chain-state.js';
import { nextHeight } from '../../core/state/chain-state.js';
import { chainStateFromJson, chainStateToJson, validatorSetFromJson, validatorSetToJson } from '../../core/state/chain-state-json.js';
import { ValidatorSet } from '../../core/validators/validator-set.js';
import type { FinalizeBlockResponse } from '../../core/app/application.js';
import type { BlockMeta, BlockStore, StateStore } from '../../node/ports.js';
import { BLOCK_CACHE_SIZE } from '../../node/write-through-block-store.js';

/** A store failure: codes ErrStoreLocked, ErrStoreOpen, ErrStoreCorrupted, ErrStoreRead, ErrBlockStoreGap, ErrBlockStoreIncomplete. */
export class StoreError extends PrevoteError {}

type DB = ClassicLevel<string, Uint8Array>;
type Put = { type: 'put'; key: string; value: Uint8Array };
const put = (key: string, value: Uint8Array): Put => ({ type: 'put', key, value });
const text = (s: string) => new TextEncoder().encode(s);
const untext = (b: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(b);

async function openDb(path: string, createIfMissing = true): Promise<DB> {
  const db: DB = new ClassicLevel(path, { keyEncoding: 'utf8', valueEncoding: 'view', createIfMissing });
  try {
    await db.open();
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') throw new StoreError('ErrStoreLocked', `${path} is in use by another process (stop the node using it first)`, { db: path });
    throw new StoreError('ErrStoreOpen', `${path}: cannot open: ${cause?.message ?? (e as Error).message}`, { db: path });
  }
  return db;
}

/** Reads and decodes one value; a missing key is null, a damaged one a StoreError naming key and database. */
function getValue<T>(db: DB, path: string, key: string, decode: (b: Uint8Array) => T): T | null {
  let raw: Uint8Array | undefined;
  try {
    raw = db.getSync(key);
  } catch (e) {
    throw new StoreError('ErrStoreRead', `${path}: reading key "${key}": ${(e as Error).message}`, { db: path, key });
  }
  if (raw === undefined) return null;
  // a plain view, not the Buffer LevelDB hands out (decoded bytes compare as Uint8Array)
  const view = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  return decoding(path, key, () => decode(view));
}

/** Any failure of `decode` becomes the StoreError that names the key and the database. */
function decoding<T>(path: string, key: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    throw new StoreError('ErrStoreCorrupted', `${path}: key "${key}" holds an undecodable value: ${(e as Error).message}`, { db: path, key });
  }
}

/** Runs `read` on a freshly opened db and closes it again if that fails (the LOCK must not leak). */
async function closeOnError<T>(db: DB, read: () => T): Promise<T> {
  try {
    return read();
  } catch (e) {
    await db.close();
    throw e;
  }
}

// ---- block store values ----
function encodeBlockMeta(blockId: BlockID, size: number, header: Header, numTxs: number): Uint8Array {
  const w = new BinaryWriter();
  writeMessage(w, 1, (w) => writeBlockId(w, blockId));
  writeInt64(w, 2, size);
  writeMessage(w, 3, (w) => writeHeader(w, header));
  writeInt64(w, 4, numTxs);
  return w.finish();
}

function decodeBlockMeta(b: Uint8Array): BlockMeta {
  const m: { blockId?: BlockID; header?: Header } = {};
  readMessage(b, 'BlockMeta', {
    1: [L, (r) => (m.blockId = decodeBlockId(r.bytes()))],
    3: [L, (r) => (m.header = decodeHeader(r.bytes()))],
  });
  if (!m.blockId || !m.header) throw new Error('BlockMeta without block_id or header');
  return { blockId: m.blockId, height: m.header.height, numParts: m.blockId.partSetHeader.total };
}

function encodeRange(base: number, height: number): Uint8Array {
  const w = new BinaryWriter();
  writeInt64(w, 1, base);
  writeInt64(w, 2, height);
  return w.finish();
}
function decodeRange(b: Uint8Array): { base: number; height: number } {
  const s = { base: 0, height: 0 };
  readMessage(b, 'BlockStoreState', { 1: [V, (r) => (s.base = readInt64(r, 'base'))], 2: [V, (r) => (s.height = readInt64(r, 'height'))] });
  if (s.base < 0 || s.height < s.base || (s.base === 0) !== (s.height === 0)) throw new Error(`bad range ${s.base}..${s.height}`);
  return s;
}

function decodeHeight(b: Uint8Array): number {
  const s = untext(b);
  if (!/^[1-9]\d{0,15}$/.test(s) || !Number.isSafeInteger(Number(s))) throw new Error(`not a height: ${JSON.stringify(s)}`);
  return Number(s);
}

export class LevelBlockStore implements BlockStore {
  /** decoded blocks, insertion order = recency (the first key is the least recently used) */
  private readonly cache = new Map<number, Block>();

  private constructor(
    private readonly db: DB,
    readonly path: string,
    private bottom: number,
    private top: number,
    private readonly cacheSize: number,
  ) {}

  /** Opens (creating) `<dataDir>/blockstore.db`. */
  static async open(dataDir: string, cacheSize = BLOCK_CACHE_SIZE): Promise<LevelBlockStore> {
    await mkdir(dataDir, { recursive: true });
    const path = join(dataDir, 'blockstore.db');
    const db = await openDb(path);
    const range = await closeOnError(db, () => getValue(db, path, 'blockStore', decodeRange));
    return new LevelBlockStore(db, path, range?.base ?? 0, range?.height ?? 0, cacheSize);
  }

  async close(): Promise<void> {
    this.cache.clear();
    await this.db.close();
  }

  height(): number {
    return this.top;
  }
  base(): number {
    return this.bottom;
  }

  async saveBlock(block: Block, parts: PartSet, seenCommit: Commit): Promise<void> {
    const h = block.header.height;
    if (this.top > 0 && h !== this.top + 1) throw new StoreError('ErrBlockStoreGap', `${this.path}: cannot save height ${h} after ${this.top}`, { db: this.path, height: h });
    if (!parts.isComplete()) throw new StoreError('ErrBlockStoreIncomplete', `${this.path}: block ${h} has ${parts.count} of ${parts.total} parts`, { db: this.path, height: h });
    const hash = blockHash(block);
    const ops: Put[] = [put(`H:${h}`, encodeBlockMeta({ hash, partSetHeader: parts.header() }, parts.byteSize, block.header, block.data.txs.length))];
    for (let i = 0; i < parts.total; i++) ops.push(put(`P:${h}:${i}`, encodeWith(writePart, parts.getPart(i)!)));
    if (block.lastCommit) ops.push(put(`C:${h - 1}`, encodeCommit(block.lastCommit)));
    ops.push(put(`SC:${h}`, encodeCommit(seenCommit)), put(`BH:${toHex(hash)}`, text(String(h))), put('blockStore', encodeRange(this.bottom || h, h)));
    await this.db.batch(ops, { sync: true });
    if (this.bottom === 0) this.bottom = h;
    this.top = h;
    this.remember(h, block); // the newest block is what peers catching up ask for next
  }

  loadBlock(height: number): Block | null {
    const hit = this.cache.get(height);
    if (hit) return this.remember(height, hit);
    const meta = this.loadBlockMeta(height);
    if (!meta) return null;
    const bytes: Uint8Array[] = [];
    for (let i = 0; i < meta.numParts; i++) {
      const part = this.loadBlockPart(height, i);
      if (!part) throw new StoreError('ErrStoreCorrupted', `${this.path}: key "P:${height}:${i}" is missing (block ${height} has ${meta.numParts} parts)`, { db: this.path, key: `P:${height}:${i}` });
      bytes.push(part.bytes);
    }
    return this.remember(height, decoding(this.path, `P:${height}:*`, () => decodeBlock(concat(...bytes))));
  }

  loadBlockMeta(height: number): BlockMeta | null {
    if (!this.stored(height)) return null;
    return getValue(this.db, this.path, `H:${height}`, (b) => {
      const meta = decodeBlockMeta(b);
      if (meta.height !== height) throw new Error(`meta of height ${meta.height}`);
      return meta;
    });
  }

  loadBlockPart(height: number, index: number): Part | null {
    if (!this.stored(height) || !Number.isSafeInteger(index) || index < 0) return null;
    return getValue(this.db, this.path, `P:${height}:${index}`, (b) => {
      const part = decodePart(b);
      if (part.index !== index) throw new Error(`part with index ${part.index}`);
      return part;
    });
  }

  loadBlockCommit(height: number): Commit | null {
    return this.stored(height + 1) ? getValue(this.db, this.path, `C:${height}`, decodeCommit) : null;
  }

  loadSeenCommit(height: number): Commit | null {
    return this.stored(height) ? getValue(this.db, this.path, `SC:${height}`, decodeCommit) : null;
  }

  loadBlockMetaByHash(hash: Bytes): BlockMeta | null {
    const h = getValue(this.db, this.path, `BH:${toHex(hash)}`, decodeHeight);
    return h === null ? null : this.loadBlockMeta(h);
  }

  loadBlockByHash(hash: Bytes): Block | null {
    const h = getValue(this.db, this.path, `BH:${toHex(hash)}`, decodeHeight);
    return h === null ? null : this.loadBlock(h);
  }

  /** Heights held in the decoded-block cache (for tests: it stays bounded). */
  cachedHeights(): number[] {
    return [...this.cache.keys()];
  }

  private stored(h: number): boolean {
    return this.bottom > 0 && Number.isSafeInteger(h) && h >= this.bottom && h <= this.top;
  }

  private remember(h: number, block: Block): Block {
    this.cache.delete(h);
    this.cache.set(h, block);
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return block;
  }
}

// ---- state store values (JSON, in the style of chain-state-json.ts: bytes hex, int64 decimal) ----
/* eslint-disable @typescript-eslint/no-explicit-any */
const hexOf = (v: unknown, field: string): Bytes => {
  if (typeof v !== 'string' || !/^([0-9a-f]{2})*$/.test(v)) throw new Error(`bad ${field}`);
  return fromHex(v);
};
const bigOf = (v: unknown, field: string): bigint => {
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw new Error(`bad ${field}`);
  return BigInt(v);
};

const validatorsFromJson = (b: Uint8Array): ValidatorSet => validatorSetFromJson(untext(b));

const responseToJson = (r: FinalizeBlockResponse) =>
  JSON.stringify({
    txResults: r.txResults.map((t) => ({ code: t.code, log: t.log })),
    validatorUpdates: r.validatorUpdates.map((u) => ({ pubKey: toHex(u.pubKey), power: String(u.power) })),
    appHash: toHex(r.appHash),
  });

function responseFromJson(b: Uint8Array): FinalizeBlockResponse {
  const j: any = JSON.parse(untext(b));
  if (!Array.isArray(j?.txResults) || !Array.isArray(j.validatorUpdates)) throw new Error('bad txResults or validatorUpdates');
  return {
    txResults: j.txResults.map((t: any, i: number) => {
      if (!Number.isInteger(t?.code) || typeof t.log !== 'string') throw new Error(`bad txResults[${i}]`);
      return { code: t.code, log: t.log };
    }),
    validatorUpdates: j.validatorUpdates.map((u: any, i: number) => ({ pubKey: hexOf(u?.pubKey, `validatorUpdates[${i}].pubKey`), power: bigOf(u?.power, `validatorUpdates[${i}].power`) })),
    appHash: hexOf(j.appHash, 'appHash'),
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const STATE_KEY = 'stateKey';
/** Checks the stored JSON on the way in; the string itself is what load() decodes (a fresh copy each time). */
const stateJson = (b: Uint8Array) => {
  const json = untext(b);
  chainStateFromJson(json);
  return json;
};

export class LevelStateStore implements StateStore {
  private constructor(
    private readonly db: DB,
    readonly path: string,
    private json: string | null,
  ) {}

  /** Opens (creating) `<dataDir>/state.db`; a damaged state stops the open with a StoreError. */
  static async open(dataDir: string): Promise<LevelStateStore> {
    await mkdir(dataDir, { recursive: true });
    const path = join(dataDir, 'state.db');
    const db = await openDb(path);
    const json = await closeOnError(db, () => getValue(db, path, STATE_KEY, stateJson));
    return new LevelStateStore(db, path, json);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  load(): ChainState | null {
    return this.json === null ? null : chainStateFromJson(this.json);
  }

  /**
   * The state, and with it (one synced batch) the validator sets of the next two heights, as
   * CometBFT's saveState: validators for H+1 and next validators for H+2, H = lastBlockHeight
   * (the set for H+1 overwrites the one saved a block earlier with the same set). The response
   * is the one of block H.
   */
  async save(state: ChainState, response: FinalizeBlockResponse): Promise<void> {
    const json = chainStateToJson(state);
    const next = nextHeight(state);
    const ops = [
      put(STATE_KEY, text(json)),
      put(`validatorsKey:${next}`, text(validatorSetToJson(state.validators))),
      put(`validatorsKey:${next + 1}`, text(validatorSetToJson(state.nextValidators))),
    ];
    if (state.lastBlockHeight > 0) ops.push(put(`abciResponsesKey:${state.lastBlockHeight}`, text(responseToJson(response))));
    await this.db.batch(ops, { sync: true });
    this.json = json;
  }

  /** The validator set that decides height `height` (priorities as of its round 0); null if never saved. */
  loadValidators(height: number): ValidatorSet | null {
    return getValue(this.db, this.path, `validatorsKey:${height}`, validatorsFromJson);
  }

  loadFinalizeBlockResponse(height: number): FinalizeBlockResponse | null {
    return getValue(this.db, this.path, `abciResponsesKey:${height}`, responseFromJson);
  }
}

/**
 * The ChainState stored in `<dataDir>/state.db`, or null if there is none; opens the database
 * only for the read (it must not be in use: a running node holds its LOCK).
 */
export async function readStoredState(dataDir: string): Promise<ChainState | null> {
  const path = join(dataDir, 'state.db');
  if (!existsSync(path)) return null;
  const db = await openDb(path, false);
  try {
    const json = getValue(db, path, STATE_KEY, stateJson);
    return json === null ? null : chainStateFromJson(json);
  } finally {
    await db.close();
  }
}
