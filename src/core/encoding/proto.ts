// Small helpers over @bufbuild/protobuf's wire format for the hand-written codecs.
//
// The schemas are CometBFT v1's (field numbers in spec §9.2 and §13.2). Writing the codecs by
// hand keeps the gogoproto quirks explicit: non-nullable sub-messages are always emitted, proto3
// zero scalars never are, and decoding turns every failure into a DecodeError naming the field.
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { DecodeError, int64ToNumber } from '../errors.js';

export { BinaryReader, BinaryWriter, WireType };

export type FieldReader = (r: BinaryReader) => void;

/**
 * Reads one message: each known field number maps to its wire type and a reader. Unknown fields
 * are skipped (proto3 rules); a known field with the wrong wire type or a truncated field is a
 * DecodeError naming `what`.
 */
export function readMessage(bytes: Uint8Array, what: string, fields: Record<number, [WireType, FieldReader]>): void {
  const r = new BinaryReader(bytes);
  try {
    while (r.pos < r.len) {
      const [no, wt] = r.tag();
      const f = fields[no];
      if (!f) {
        r.skip(wt, no);
        if (r.pos > r.len) throw new DecodeError('ErrTruncated', `${what} field ${no} runs past the end`, { what, field: no });
        continue;
      }
      if (f[0] !== wt) throw new DecodeError('ErrWireType', `${what} field ${no} has wire type ${wt}, want ${f[0]}`, { what, field: no });
      f[1](r);
      // BinaryReader.skip and friends do not bound-check; a field running past the end is truncation.
      if (r.pos > r.len) throw new DecodeError('ErrTruncated', `${what} field ${no} runs past the end`, { what, field: no });
    }
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError('ErrMalformed', `${what}: ${(e as Error).message} at byte ${r.pos}`, { what, offset: r.pos });
  }
}

export const V = WireType.Varint;
export const L = WireType.LengthDelimited;
export const F64 = WireType.Bit64;

/** int64 varint as a safe JS integer (spec §1.1). */
export function readInt64(r: BinaryReader, field: string): number {
  // heights, rounds, indices: a varint of at most 4 bytes is a number below 2^28 (a negative
  // int64 takes 10), so uint32's reading is exact and needs no BigInt
  const at = r.pos;
  const small = r.uint32();
  if (r.pos - at <= 4) return small;
  r.pos = at;
  return int64ToNumber(BigInt(r.int64()), field);
}

/** Writes a length-delimited sub-message produced by `body`. */
export function writeMessage(w: BinaryWriter, field: number, body: (w: BinaryWriter) => void): void {
  w.tag(field, L).fork();
  body(w);
  w.join();
}

export function writeInt64(w: BinaryWriter, field: number, v: number | bigint): void {
  if (v === 0 || v === 0n) return;
  // heights, rounds and seconds: a positive int64 below 2^32 has uint32's varint, without BigInt
  if (typeof v === 'number' && v > 0 && v <= 0xffffffff && Number.isInteger(v)) w.tag(field, V).uint32(v);
  else w.tag(field, V).int64(v);
}

export function writeInt32(w: BinaryWriter, field: number, v: number): void {
  if (v !== 0) w.tag(field, V).int32(v);
}

export function writeUint32(w: BinaryWriter, field: number, v: number): void {
  if (v !== 0) w.tag(field, V).uint32(v);
}

export function writeSfixed64(w: BinaryWriter, field: number, v: number): void {
  if (v === 0) return;
  // heights and rounds of sign bytes: a non-negative safe integer is its two little-endian 32-bit
  // words, without the writer's BigInt conversion
  if (v > 0 && Number.isSafeInteger(v)) w.tag(field, F64).fixed32(v % 0x100000000).fixed32(Math.floor(v / 0x100000000));
  else w.tag(field, F64).sfixed64(v);
}

export function writeBytes(w: BinaryWriter, field: number, b: Uint8Array): void {
  if (b.length > 0) w.tag(field, L).bytes(b);
}

export function writeString(w: BinaryWriter, field: number, s: string): void {
  if (s.length > 0) w.tag(field, L).string(s);
}

export function writeBool(w: BinaryWriter, field: number, v: boolean): void {
  if (v) w.tag(field, V).bool(true);
}

// One writer is reused by `encode`: a fresh BinaryWriter allocates a buffer per message (128
// bytes, doubled as it fills) besides the result it returns, and 100 gossiping validators encode
// about 10⁵ small messages a height. A nested call takes a fresh writer, and a writer whose
// buffer grew past KEEP_BYTES (a large block) is let go.
let spare: BinaryWriter | null = null;
const KEEP_BYTES = 1 << 20;

/** The bytes `write` puts on a writer. */
export function encode(write: (w: BinaryWriter) => void): Uint8Array {
  const w = spare ?? new BinaryWriter();
  spare = null;
  let out: Uint8Array;
  try {
    write(w);
  } finally {
    out = w.finish(); // also resets the writer when `write` threw (it is then let go)
  }
  if (out.length <= KEEP_BYTES) spare = w;
  return out;
}

/** Go's uvarint length prefix used for sign bytes and delimited records. */
export function lengthPrefixed(body: Uint8Array): Uint8Array {
  return encode((w) => w.uint32(body.length).raw(body));
}
