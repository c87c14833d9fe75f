// WAL records ([CMT] TimedWALMessage, spec §10.1) and their framed binary encoding (§10.3):
//   crc32c(data) u32 BE | length(data) u32 BE | data = protobuf TimedWALMessage.
import type { StateMessage, TimeoutInfo } from '../consensus/io.js';
import type { RoundStateEvent } from '../consensus/round-state.js';
import type { Timestamp } from '../types.js';
import { DecodeError } from '../errors.js';
import { decodeTimestamp, writeTimestamp } from '../encoding/codec.js';
import { decodeMessage, encodeMessageShared } from '../encoding/messages.js';
import type { BinaryReader } from '../encoding/proto.js';
import { encode, L, V, readInt64, readMessage, writeInt32, writeInt64, writeMessage, writeString, writeUint32 } from '../encoding/proto.js';
import { timestampFromMillis, timestampToMillis } from '../time.js';
import { frame } from './framing.js';

/** One WAL record; `time` is ms since the epoch (fractions keep the nanoseconds of foreign files). */
export type WalRecord =
  | { type: 'roundState'; time: number; event: RoundStateEvent }
  | { type: 'msgInfo'; time: number; msg: StateMessage; peerId: string }
  | { type: 'timeout'; time: number; timeout: TimeoutInfo }
  | { type: 'endHeight'; time: number; height: number };

/**
 * A record as the readers give it, from either format (CometBFT binary, Tendermint v0.10 JSON
 * lines): a WalRecord, or a v0.10 `#ENDHEIGHT` marker, which carries no time.
 */
export type ReadWalRecord = WalRecord | { type: 'endHeight'; time: null; height: number };

type WithoutTime<T> = T extends unknown ? Omit<T, 'time'> : never;
type WalBody = WithoutTime<WalRecord>;


const millisToTimestamp = (ms: number): Timestamp => {
  const t = timestampFromMillis(Math.floor(ms));
  return { seconds: t.seconds, nanos: t.nanos + Math.round((ms - Math.floor(ms)) * 1e6) };
};
const timestampToMs = (t: Timestamp) => timestampToMillis({ seconds: t.seconds, nanos: 0 }) + t.nanos / 1e6;

export function encodeWalData(rec: WalRecord): Uint8Array {
  return encode((w) => {
    writeMessage(w, 1, (w) => writeTimestamp(w, millisToTimestamp(rec.time)));
    writeMessage(w, 2, (w) => {
      switch (rec.type) {
        case 'roundState':
          return writeMessage(w, 1, (w) => {
            writeInt64(w, 1, rec.event.height);
            writeInt32(w, 2, rec.event.round);
            writeString(w, 3, rec.event.step);
          });
        case 'msgInfo':
          return writeMessage(w, 2, (w) => {
            w.tag(1, L).bytes(encodeMessageShared(rec.msg)); // a relayed vote: the bytes it came in
            writeString(w, 2, rec.peerId);
          });
        case 'timeout':
          return writeMessage(w, 3, (w) => {
            const ms = rec.timeout.duration;
            writeMessage(w, 1, (w) => {
              writeInt64(w, 1, Math.floor(ms / 1000));
              writeInt32(w, 2, Math.round((ms % 1000) * 1e6));
            });
            writeInt64(w, 2, rec.timeout.height);
            writeInt32(w, 3, rec.timeout.round);
            writeUint32(w, 4, rec.timeout.step);
          });
        case 'endHeight':
          return writeMessage(w, 4, (w) => writeInt64(w, 1, rec.height));
      }
    });
  });
}

/** A framed record, ready to append. */
export function encodeWalRecord(rec: WalRecord): Uint8Array {
  return frame(encodeWalData(rec));
}

export function decodeWalData(data: Uint8Array): WalRecord {
  let time: number | null = null;
  let rec: WalBody | null = null;
  const set = (r: WalBody) => {
    if (rec) throw new DecodeError('ErrWalMessage', 'WAL message carries two kinds', {});
    rec = r;
  };
  readMessage(data, 'TimedWALMessage', {
    1: [L, (r) => (time = timestampToMs(decodeTimestamp(r.bytes())))],
    2: [
      L,
      (r) =>
        readMessage(r.bytes(), 'WALMessage', {
          1: [L, (r) => set({ type: 'roundState', event: decodeRoundState(r) })],
          2: [L, (r) => set(decodeMsgInfo(r))],
          3: [L, (r) => set({ type: 'timeout', timeout: decodeTimeoutInfo(r) })],
          4: [L, (r) => set({ type: 'endHeight', height: decodeEndHeight(r) })],
        }),
    ],
  });
  if (time === null) throw new DecodeError('ErrWalMessage', 'WAL record without a time', {});
  if (!rec) throw new DecodeError('ErrWalMessage', 'WAL record of no known kind', {});
  return { ...(rec as WalRecord), time };
}

function decodeRoundState(r: BinaryReader): RoundStateEvent {
  const ev = { height: 0, round: 0, step: '' };
  readMessage(r.bytes(), 'EventDataRoundState', {
    1: [V, (r) => (ev.height = readInt64(r, 'height'))],
    2: [V, (r) => (ev.round = r.int32())],
    3: [L, (r) => (ev.step = r.string())],
  });
  return ev;
}

function decodeMsgInfo(r: BinaryReader): WalBody {
  let msg: StateMessage | null = null;
  let peerId = '';
  readMessage(r.bytes(), 'MsgInfo', {
    1: [
      L,
      (r) => {
        const m = decodeMessage(r.bytes());
        if (m.kind !== 'Proposal' && m.kind !== 'BlockPart' && m.kind !== 'Vote') {
          throw new DecodeError('ErrWalMessage', `MsgInfo carries a ${m.kind}, not a consensus input`, { kind: m.kind });
        }
        msg = m;
      },
    ],
    2: [L, (r) => (peerId = r.string())],
  });
  if (!msg) throw new DecodeError('ErrWalMessage', 'MsgInfo without a message', {});
  return { type: 'msgInfo', msg, peerId };
}

function decodeTimeoutInfo(r: BinaryReader): TimeoutInfo {
  const t = { duration: 0, height: 0, round: 0, step: 0 };
  readMessage(r.bytes(), 'TimeoutInfo', {
    1: [
      L,
      (r) =>
        readMessage(r.bytes(), 'Duration', {
          1: [V, (r) => (t.duration += readInt64(r, 'duration.seconds') * 1000)],
          2: [V, (r) => (t.duration += r.int32() / 1e6)],
        }),
    ],
    2: [V, (r) => (t.height = readInt64(r, 'height'))],
    3: [V, (r) => (t.round = r.int32())],
    4: [V, (r) => (t.step = r.uint32())],
  });
  return t as TimeoutInfo;
}

function decodeEndHeight(r: BinaryReader): number {
  let height = 0;
  readMessage(r.bytes(), 'EndHeight', { 1: [V, (r) => (height = readInt64(r, 'height'))] });
  return height;
}
