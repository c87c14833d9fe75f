// Tendermint v0.10 WAL: JSON lines of {"time", "msg": [type, value]} with `#ENDHEIGHT: N`
// markers (spec §10.2). Byte fields are uppercase hex; signatures are [keyType, "HEX"].
import type { BlockID, Bytes, PartSetHeader, RoundStepType, Timestamp, Vote, VoteType } from '../types.js';
import { GO_ZERO_TIME, SignedMsgType } from '../types.js';
import { fromHex, utf8Decode } from '../bytes.js';
import type { StateMessage } from '../consensus/io.js';
import { parseRfc3339, timestampToMillis } from '../time.js';
import type { ReadWalRecord } from './record.js';
import type { WalCorruption, WalEntry } from './scan.js';
import { MAX_MSG_SIZE } from '../types.js';

// Records are normalised to the same typed WalRecords as CometBFT's binary WAL. What v0.10 signed
// differs (canonical JSON, spec §13.1): a vote's sign bytes come from its type/height/round/
// BlockID, all kept; a proposal also signs its POL BlockID, which CometBFT's Proposal lacks, so
// the entry carries it (`polBlockId`). v0.10 votes and proposals have no timestamp (Go's zero
// time stands in) and block parts no proof (an empty one).

export interface V010Scan {
  entries: WalEntry<ReadWalRecord>[];
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
const parts = (p: any): PartSetHeader => ({ total: Number(p?.total ?? 0), hash: hex(p?.hash) });
const blockId = (b: any): BlockID => ({ hash: hex(b?.hash), partSetHeader: parts(b?.parts) });
const noTime = (): Timestamp => ({ ...GO_ZERO_TIME });
const int = (v: unknown, what: string): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`${what} is not an integer`);
  return v;
};

function message(m: unknown): { msg: StateMessage; polBlockId?: BlockID } {
  if (!Array.isArray(m) || m.length !== 2) throw new Error('consensus message is not a [type, value] pair');
  const [t, v] = m as [number, any];
  if (t === PROPOSAL) {
    const p = v.Proposal;
    const proposal = {
      type: SignedMsgType.Proposal as const,
      height: int(p.height, 'height'),
      round: int(p.round, 'round'),
      polRound: int(p.pol_round, 'pol_round'),
      blockId: { hash: new Uint8Array(0), partSetHeader: parts(p.block_parts_header) },
      timestamp: noTime(),
      signature: sig(p.signature),
    };
    return { msg: { kind: 'Proposal', proposal }, polBlockId: blockId(p.pol_block_id) };
  }
  if (t === BLOCK_PART) {
    const index = int(v.Part.index, 'index');
    const part = { index, bytes: hex(v.Part.bytes), proof: { total: 0, index, leafHash: new Uint8Array(0), aunts: [] } };
    return { msg: { kind: 'BlockPart', height: int(v.Height, 'Height'), round: int(v.Round, 'Round'), part } };
  }
  if (t === VOTE) {
    const x = v.Vote;
    const vote: Vote = {
      // as signed: a type that is no vote is kept (and left unverified), not trusted
      type: int(x.type, 'type') as VoteType,
      height: int(x.height, 'height'),
      round: int(x.round, 'round'),
      blockId: blockId(x.block_id),
      timestamp: noTime(),
      validatorAddress: hex(x.validator_address),
      validatorIndex: int(x.validator_index, 'validator_index'),
      signature: sig(x.signature),
      extension: new Uint8Array(0),
      extensionSignature: new Uint8Array(0),
    };
    return { msg: { kind: 'Vote', vote } };
  }
  throw new Error(`unknown consensus message type 0x${Number(t).toString(16)}`);
}

/** A field that must be text (String() of any other JSON value says nothing, or throws a TypeError). */
function text(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new Error(`"${what}" is not text`);
  return v;
}

function record(line: string): { record: ReadWalRecord; polBlockId?: BlockID } {
  const marker = /^#ENDHEIGHT: (-?\d+)$/.exec(line);
  if (marker) {
    // as the binary reader: a height is an int64 this reader must hold exactly, not rounded
    const height = Number(marker[1]);
    if (!Number.isSafeInteger(height) || height < 0) throw new Error(`#ENDHEIGHT ${marker[1]}: not a height (0 to 2^53 - 1)`);
    return { record: { type: 'endHeight', time: null, height } };
  }
  if (line.startsWith('#ENDHEIGHT')) throw new Error('#ENDHEIGHT without a height');
  const j = JSON.parse(line) as any;
  const time = timestampToMillis(parseRfc3339(j.time));
  if (!Array.isArray(j.msg) || j.msg.length !== 2) throw new Error('"msg" is not a [type, value] pair');
  const [t, v] = j.msg;
  if (t === 1) return { record: { type: 'roundState', time, event: { height: int(v.height, 'height'), round: int(v.round, 'round'), step: text(v.step, 'step') } } };
  if (t === 2) {
    const { msg, polBlockId } = message(v.msg);
    return { record: { type: 'msgInfo', time, peerId: v.peer_key == null ? '' : text(v.peer_key, 'peer_key'), msg }, polBlockId };
  }
  if (t === 3) {
    const timeout = { duration: int(v.duration, 'duration') / 1e6, height: int(v.height, 'height'), round: int(v.round, 'round'), step: int(v.step, 'step') as RoundStepType };
    return { record: { type: 'timeout', time, timeout } };
  }
  throw new Error(`unknown WAL message type ${t}`);
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Reads line by line, up to `maxLine` bytes a line; stops at the first damaged or over-long line. */
export function scanV010Wal(bytes: Uint8Array, maxLine = MAX_V010_LINE): V010Scan {
  const entries: WalEntry<ReadWalRecord>[] = [];
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
        const r = record(text);
        const entry: WalEntry<ReadWalRecord> = { index: entries.length, offset, size: end + (complete ? 1 : 0) - offset, line, record: r.record };
        if (r.polBlockId) entry.polBlockId = r.polBlockId;
        entries.push(entry);
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
