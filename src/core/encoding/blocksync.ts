// The block sync reactor's messages on channel 0x40 ([CMT] proto package cometbft.blocksync.v1):
//
//   message BlockRequest    { int64 height = 1; }
//   message NoBlockResponse { int64 height = 1; }
//   message BlockResponse   { Block block = 1; ExtendedCommit ext_commit = 2; }
//   message StatusRequest   { }
//   message StatusResponse  { int64 height = 1; int64 base = 2; }
//   message Message { oneof sum { BlockRequest block_request = 1; NoBlockResponse no_block_response = 2;
//                                 BlockResponse block_response = 3; StatusRequest status_request = 4;
//                                 StatusResponse status_response = 5; } }
//
// A BlockResponse carries the block's exact bytes (`blockBytes`) besides the decoded block: the
// receiver rebuilds the PartSet from them, so the BlockID it checks against the next block's
// LastCommit is the one the chain committed. ext_commit (vote extensions) is never sent and ignored.
import type { Block } from '../types.js';
import { MAX_BLOCK_SIZE_BYTES } from '../types.js';
import { DecodeError } from '../errors.js';
import { decodeBlock } from './codec.js';
import { BinaryWriter, L, V, readInt64, readMessage } from './proto.js';

/** A BlockResponse of the largest block, plus its few bytes of protobuf (BLOCKSYNC_CHANNEL's capacity). */
export const MAX_BLOCKSYNC_MSG_BYTES = MAX_BLOCK_SIZE_BYTES + 16;

export type BlocksyncMessage =
  | { kind: 'BlockRequest'; height: number }
  | { kind: 'NoBlockResponse'; height: number }
  | { kind: 'BlockResponse'; block: Block; blockBytes: Uint8Array }
  | { kind: 'StatusRequest' }
  | { kind: 'StatusResponse'; height: number; base: number };

const FIELD = { BlockRequest: 1, NoBlockResponse: 2, BlockResponse: 3, StatusRequest: 4, StatusResponse: 5 } as const;

/** BlockResponse is built from the stored bytes, never re-encoded. */
export type OutgoingBlocksyncMessage = Exclude<BlocksyncMessage, { kind: 'BlockResponse' }> | { kind: 'BlockResponse'; blockBytes: Uint8Array };

export function encodeBlocksyncMessage(msg: OutgoingBlocksyncMessage): Uint8Array {
  const body = new BinaryWriter();
  switch (msg.kind) {
    case 'BlockRequest':
    case 'NoBlockResponse':
      if (msg.height !== 0) body.tag(1, V).int64(msg.height);
      break;
    case 'BlockResponse':
      body.tag(1, L).bytes(msg.blockBytes);
      break;
    case 'StatusRequest':
      break;
    case 'StatusResponse':
      if (msg.height !== 0) body.tag(1, V).int64(msg.height);
      if (msg.base !== 0) body.tag(2, V).int64(msg.base);
      break;
  }
  const w = new BinaryWriter();
  w.tag(FIELD[msg.kind], L).bytes(body.finish());
  return w.finish();
}

const KIND_OF_FIELD = Object.fromEntries(Object.entries(FIELD).map(([k, f]) => [f, k])) as Record<number, BlocksyncMessage['kind']>;

/** The reactor's gate: anything malformed, negative or oversize is a typed DecodeError. */
export function decodeBlocksyncMessage(bytes: Uint8Array): BlocksyncMessage {
  if (bytes.length > MAX_BLOCKSYNC_MSG_BYTES) {
    throw new DecodeError('ErrMsgTooBig', `block sync message of ${bytes.length} bytes exceeds ${MAX_BLOCKSYNC_MSG_BYTES}`, { size: bytes.length });
  }
  let kind: BlocksyncMessage['kind'] | null = null;
  let body: Uint8Array = new Uint8Array(0);
  const fields: Parameters<typeof readMessage>[2] = {};
  for (const f of Object.values(FIELD)) {
    fields[f] = [
      L,
      (r) => {
        if (kind) throw new DecodeError('ErrTwoKinds', `block sync Message carries ${kind} and ${KIND_OF_FIELD[f]}`, { field: f });
        kind = KIND_OF_FIELD[f];
        body = r.bytes();
      },
    ];
  }
  readMessage(bytes, 'blocksync Message', fields);
  const k = kind as BlocksyncMessage['kind'] | null;
  if (!k) throw new DecodeError('ErrUnknownMessage', 'block sync Message of no known kind', { size: bytes.length });
  const heights = { height: 0, base: 0 };
  let blockBytes: Uint8Array | null = null;
  if (k === 'BlockResponse') {
    readMessage(body, 'BlockResponse', { 1: [L, (r) => (blockBytes = r.bytes())], 2: [L, (r) => void r.bytes()] });
  } else {
    readMessage(body, k, { 1: [V, (r) => (heights.height = readInt64(r, 'height'))], 2: [V, (r) => (heights.base = readInt64(r, 'base'))] });
    if (heights.height < 0 || heights.base < 0) throw new DecodeError('ErrNegativeHeight', `${k} with a negative height`, { ...heights });
    if (heights.base > heights.height) throw new DecodeError('ErrBaseAboveHeight', `${k} with base ${heights.base} above height ${heights.height}`, { ...heights });
  }
  switch (k) {
    case 'BlockRequest':
    case 'NoBlockResponse':
      return { kind: k, height: heights.height };
    case 'StatusRequest':
      return { kind: k };
    case 'StatusResponse':
      return { kind: k, height: heights.height, base: heights.base };
    case 'BlockResponse': {
      const b = blockBytes as Uint8Array | null;
      if (!b) throw new DecodeError('ErrMissingField', 'BlockResponse without a block', { what: 'BlockResponse' });
      return { kind: k, block: decodeBlock(b), blockBytes: b };
    }
  }
}
