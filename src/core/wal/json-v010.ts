// Tendermint v0.10 WAL: JSON lines of {"time", "msg": [type, value]} with `#ENDHEIGHT: N`
// markers (spec §10.2). Byte fields are uppercase hex; signatures are [keyType, "HEX"].
import type { Bytes } from '../types.js';
import { fromHex, utf8Decode } from '../bytes.js';
import type { BlockIdV010, PartSetHeaderV010 } from '../encoding/json-v010.js';
import { parseRfc3339, timestampToMillis } from '../time.js';
import type { WalCorruption } from './scan.js';
import { MAX_MSG_SIZE } from '../types.js';

export type V010Message =
  | {
      kind: 'Proposal';
      height: number;
      round: number;
      blockPartsHeader: PartSetHeaderV010;
      polRound: number;
      polBlockId: BlockIdV010;
      signature: Bytes;
    }
  | { kind: 'BlockPart'; height: number; round: number; part: { index: number; bytes: Bytes } }
  | { kind: 'Vote'; validatorAddress: Bytes; validatorIndex: number; height: number; round: number; type: number; blockId: BlockIdV010; signature: Bytes };

export type V010Record =
  | { type: 'endHeight'; time: null; height: number }
  | { type: 'roundState'; time: number; height: number; round: number; step: string }
  | { type: 'timeout'; time: number; duration: number; height: number; round: number; step: number }
  | { type: 'msgInfo'; time: number; peerId: string; msg: V010Message };

export interface V010Entry {
  index: number;
  offset: number;
  line: number;
  record: V010Record;
}

export interface V010Scan {
  entries: V010Entry[];
  goodLength: number;
  corruption: WalCorruption | null;
}

/**
 * The longest line read: a consensus message at CometBFT's 1 MiB cap, hex-encoded (twice the
 * bytes), plus its JSON envelope. Real v0.10 records are far smaller (the fixtures' longest is
 * about 8 KB; a 64 KiB block part is 128 KiB of hex). A longer line is damage, not a record.
 */
export const MAX_V010_LINE = 2 * MAX_MSG_SIZE + 64 * 1024;

// reactor type bytes of v0.10 (spec §9.2)
const PROPOSAL = 0x11;
const BLOCK_PART = 0x13;
const VOTE = 0x14;

/* eslint-disable @typescript-eslint/no-explicit-any */
const hex = (s: unknown): Bytes => (typeof s === 'string' ? fromHex(s) : new Uint8Array(0));
const sig = (s: unknown): Bytes => (Array.isArray(s) ? hex(s[1]) : new Uint8Array(0));
const parts = (p: any): PartSetHeaderV010 => ({ total: Number(p?.total ?? 0), hash: hex(p?.hash) });
const blockId = (b: any): BlockIdV010 => ({ hash: hex(b?.hash), parts: parts(b?.parts) });
const int = (v: unknown, what: string): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`${what} is not an integer`);
  return v;
};

function message(m: unknown): V010Message {
  if (!Array.isArray(m) || m.length !== 2) throw new Error('consensus message is not a [type, value] pair');
  const [t, v] = m as [number, any];
  if (t === PROPOSAL) {
    const p = v.Proposal;
    return { kind: 'Proposal', height: int(p.height, 'height'), round: int(p.round, 'round'), blockPartsHeader: parts(p.block_parts_header), polRound: int(p.pol_round, 'pol_round'), polBlockId: blockId(p.pol_block_id), signature: sig(p.signature) };
  }
  if (t === BLOCK_PART) return { kind: 'BlockPart', height: int(v.Height, 'Height'), round: int(v.Round, 'Round'), part: { index: int(v.Part.index, 'index'), bytes: hex(v.Part.bytes) } };
  if (t === VOTE) {
    const x = v.Vote;
    return { kind: 'Vote', validatorAddress: hex(x.validator_address), validatorIndex: int(x.validator_index, 'validator_index'), height: int(x.height, 'height'), round: int(x.round, 'round'), type: int(x.type, 'type'), blockId: blockId(x.block_id), signature: sig(x.signature) };
  }
  throw new Error(`unknown consensus message type 0x${Number(t).toString(16)}`);
}

function record(line: string): V010Record {
  const marker = /^#ENDHEIGHT: (\d+)$/.exec(line);
  if (marker) return { type: 'endHeight', time: null, height: Number(marker[1]) };
  const j = JSON.parse(line) as any;
  const time = timestampToMillis(parseRfc3339(j.time));
  if (!Array.isArray(j.msg) || j.msg.length !== 2) throw new Error('"msg" is not a [type, value] pair');
  const [t, v] = j.msg;
  if (t === 1) return { type: 'roundState', time, height: int(v.height, 'height'), round: int(v.round, 'round'), step: String(v.step) };
  if (t === 2) return { type: 'msgInfo', time, peerId: String(v.peer_key ?? ''), msg: message(v.msg) };
  if (t === 3) return { type: 'timeout', time, duration: int(v.duration, 'duration') / 1e6, height: int(v.height, 'height'), round: int(v.round, 'round'), step: int(v.step, 'step') };
  throw new Error(`unknown WAL message type ${t}`);
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Reads line by line, up to `maxLine` bytes a line; stops at the first damaged or over-long line. */
export function scanV010Wal(bytes: Uint8Array, maxLine = MAX_V010_LINE): V010Scan {
  const entries: V010Entry[] = [];
  let offset = 0;
  let line = 0;
  const fail = (reason: string): V010Scan => ({ entries, goodLength: offset, corruption: { index: entries.length, offset, reason: `line ${line}: ${reason}` } });
  while (offset < bytes.length) {
    line++;
    // look for the newline only as far as a line may reach, so a huge blob costs no more than that
    const window = bytes.subarray(offset, Math.min(bytes.length, offset + maxLine + 1));
    const nl = window.indexOf(0x0a);
    if (nl < 0 && window.length > maxLine) return fail(`longer than ${maxLine} bytes (no newline)`);
    const complete = nl >= 0;
    const end = complete ? offset + nl : bytes.length;
    const text = utf8Decode(bytes.subarray(offset, end)).trim();
    if (text !== '' && !(text.startsWith('#') && !text.startsWith('#ENDHEIGHT'))) {
      try {
        if (!complete) throw new Error('last line is not terminated (truncated tail?)');
        entries.push({ index: entries.length, offset, line, record: record(text) });
      } catch (e) {
        return fail((e as Error).message);
      }
    }
    offset = end + 1;
  }
  return { entries, goodLength: bytes.length, corruption: null };
}

/** A v0.10 WAL starts with a `#` marker line or a JSON object. */
export function looksLikeV010(bytes: Uint8Array): boolean {
  return bytes.length > 0 && (bytes[0] === 0x23 || bytes[0] === 0x7b);
}
