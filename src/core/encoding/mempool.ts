// The mempool reactor's message on channel 0x30 ([CMT] proto package cometbft.mempool.v1):
//
//   message Txs     { repeated bytes txs = 1; }
//   message Message { oneof sum { Txs txs = 1; } }
//
// decodeMempoolMessage is the reactor's gate: an oversize message, a missing kind, no txs, an empty
// tx, a tx over MAX_TX_BYTES or more than MAX_TXS_PER_MESSAGE txs are typed DecodeErrors, each
// refused before the offending bytes are kept.
import { DecodeError } from '../errors.js';
import { BinaryReader, BinaryWriter, L, readMessage } from './proto.js';

/** CometBFT's default mempool.max_tx_bytes (1 MiB). */
export const MAX_TX_BYTES = 1048576;
/** One Txs message holding a max_tx_bytes tx, plus its few bytes of protobuf (MEMPOOL_CHANNEL's capacity). */
export const MAX_MEMPOOL_MSG_BYTES = MAX_TX_BYTES + 16;
/** At most this many txs in one message (ours; CometBFT sends one tx per message). */
export const MAX_TXS_PER_MESSAGE = 10000;

export interface TxsMessage {
  kind: 'Txs';
  txs: Uint8Array[];
}

/** Encodes Message{txs: Txs{txs}}. The caller keeps within the limits; the encoder checks them too. */
export function encodeMempoolMessage(msg: TxsMessage): Uint8Array {
  if (msg.txs.length === 0) throw new RangeError('a Txs message needs at least one tx');
  if (msg.txs.length > MAX_TXS_PER_MESSAGE) throw new RangeError(`${msg.txs.length} txs exceed ${MAX_TXS_PER_MESSAGE} per message`);
  const w = new BinaryWriter();
  w.tag(1, L).fork();
  // repeated bytes: every element is written, even an empty one (proto3 repeated fields are not elided)
  for (const tx of msg.txs) w.tag(1, L).bytes(tx);
  w.join();
  const out = w.finish();
  if (out.length > MAX_MEMPOOL_MSG_BYTES) throw new RangeError(`mempool message of ${out.length} bytes exceeds ${MAX_MEMPOOL_MSG_BYTES}`);
  return out;
}

/** Encoded size of one tx inside Txs (tag, length varint, bytes): what a sender batches by. */
export function txWireSize(tx: Uint8Array): number {
  let n = tx.length;
  let v = 1;
  while (n >= 0x80) {
    n >>>= 7;
    v++;
  }
  return 1 + v + tx.length;
}

export function decodeMempoolMessage(bytes: Uint8Array): TxsMessage {
  if (bytes.length > MAX_MEMPOOL_MSG_BYTES) {
    throw new DecodeError('ErrMsgTooBig', `mempool message of ${bytes.length} bytes exceeds ${MAX_MEMPOOL_MSG_BYTES}`, { size: bytes.length });
  }
  let body: Uint8Array | null = null;
  readMessage(bytes, 'mempool Message', {
    1: [
      L,
      (r: BinaryReader) => {
        // a oneof seen twice: proto3 keeps the last, but two Txs in one message is no sender of ours
        if (body) throw new DecodeError('ErrTwoKinds', 'mempool Message carries Txs twice', { field: 1 });
        body = r.bytes();
      },
    ],
  });
  const inner = body as Uint8Array | null;
  if (!inner) throw new DecodeError('ErrUnknownMessage', 'mempool Message of no known kind', { size: bytes.length });
  const txs: Uint8Array[] = [];
  readMessage(inner, 'Txs', {
    1: [
      L,
      (r: BinaryReader) => {
        if (txs.length >= MAX_TXS_PER_MESSAGE) {
          throw new DecodeError('ErrTooManyTxs', `more than ${MAX_TXS_PER_MESSAGE} txs in one message`, { field: 'txs', offset: r.pos });
        }
        const start = r.pos;
        const len = r.uint32();
        if (len > MAX_TX_BYTES) throw new DecodeError('ErrTxTooLarge', `tx of ${len} bytes exceeds ${MAX_TX_BYTES}`, { field: 'txs', index: txs.length, offset: start });
        if (len === 0) throw new DecodeError('ErrEmptyTx', `tx ${txs.length} is empty`, { field: 'txs', index: txs.length, offset: start });
        if (r.pos + len > r.len) throw new DecodeError('ErrTruncated', `tx ${txs.length} runs past the end`, { field: 'txs', index: txs.length, offset: start });
        txs.push(inner.slice(r.pos, r.pos + len));
        r.pos += len;
      },
    ],
  });
  if (txs.length === 0) throw new DecodeError('ErrEmptyTxs', 'mempool Txs message holds no tx', { field: 'txs' });
  return { kind: 'Txs', txs };
}

