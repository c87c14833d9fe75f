// Canonical sign bytes ([CMT] spec §13.2): a uvarint length prefix, then the protobuf encoding of
// CanonicalVote / CanonicalProposal / CanonicalVoteExtension. Height and round are sfixed64 so
// that hardware signers can read them at fixed offsets; the chain id comes last for the same
// reason; the timestamp is always present; a nil BlockID is omitted entirely.
import type { BlockID, Proposal, Timestamp, Vote } from '../types.js';
import { isNilBlockId } from '../blockid.js';
import { bytesEqual } from '../bytes.js';
import { DecodeError } from '../errors.js';
import { decodeTimestamp, writeTimestamp } from './codec.js';
import {
  BinaryReader,
  BinaryWriter,
  encode,
  L,
  writeBytes,
  writeInt32,
  writeInt64,
  writeMessage,
  writeSfixed64,
  writeString,
  writeUint32,
} from './proto.js';

function writeCanonicalBlockId(w: BinaryWriter, field: number, id: BlockID): void {
  if (isNilBlockId(id)) return;
  writeMessage(w, field, (w) => {
    writeBytes(w, 1, id.hash);
    writeMessage(w, 2, (w) => {
      writeUint32(w, 1, id.partSetHeader.total);
      writeBytes(w, 2, id.partSetHeader.hash);
    });
  });
}

/** The uvarint length prefix, then the body: a fork's own layout, so one writer makes both. */
const prefixed = (write: (w: BinaryWriter) => void) =>
  encode((w) => {
    w.fork();
    write(w);
    w.join();
  });

type VoteFields = Pick<Vote, 'type' | 'height' | 'round' | 'blockId' | 'timestamp'>;
type ProposalFields = Pick<Proposal, 'type' | 'height' | 'round' | 'polRound' | 'blockId' | 'timestamp'>;

export function voteSignBytes(chainId: string, vote: VoteFields): Uint8Array {
  return prefixed((w) => {
    writeInt32(w, 1, vote.type);
    writeSfixed64(w, 2, vote.height);
    writeSfixed64(w, 3, vote.round);
    writeCanonicalBlockId(w, 4, vote.blockId);
    writeMessage(w, 5, (w) => writeTimestamp(w, vote.timestamp));
    writeString(w, 6, chainId);
  });
}

export function proposalSignBytes(chainId: string, p: ProposalFields): Uint8Array {
  return prefixed((w) => {
    writeInt32(w, 1, p.type);
    writeSfixed64(w, 2, p.height);
    writeSfixed64(w, 3, p.round);
    writeInt64(w, 4, p.polRound);
    writeCanonicalBlockId(w, 5, p.blockId);
    writeMessage(w, 6, (w) => writeTimestamp(w, p.timestamp));
    writeString(w, 7, chainId);
  });
}

export function voteExtensionSignBytes(chainId: string, vote: Pick<Vote, 'height' | 'round' | 'extension'>): Uint8Array {
  return prefixed((w) => {
    writeBytes(w, 1, vote.extension);
    writeSfixed64(w, 2, vote.height);
    writeSfixed64(w, 3, vote.round);
    writeString(w, 4, chainId);
  });
}

/** Field number of the timestamp in CanonicalVote (5) and CanonicalProposal (6). */
export type SignBytesKind = 'vote' | 'proposal';
const TIMESTAMP_FIELD: Record<SignBytesKind, number> = { vote: 5, proposal: 6 };

/** Splits canonical sign bytes into their timestamp and everything else (for the privval rule). */
function splitTimestamp(signBytes: Uint8Array, kind: SignBytesKind): { timestamp: Timestamp; rest: Uint8Array } {
  const r = new BinaryReader(signBytes);
  try {
    const len = r.uint32();
    if (r.pos + len !== signBytes.length) throw new Error('length prefix does not match');
    const rest = new BinaryWriter();
    let timestamp: Timestamp | null = null;
    while (r.pos < r.len) {
      const start = r.pos;
      const [no, wt] = r.tag();
      const body = r.skip(wt, no);
      if (r.pos > r.len) throw new Error('truncated');
      if (no === TIMESTAMP_FIELD[kind] && wt === L) {
        timestamp = decodeTimestamp(new BinaryReader(body).bytes());
      } else rest.raw(signBytes.subarray(start, r.pos));
    }
    if (!timestamp) throw new Error('no timestamp');
    return { timestamp, rest: rest.finish() };
  } catch (e) {
    throw new DecodeError('ErrSignBytes', `malformed ${kind} sign bytes: ${(e as Error).message}`, { kind });
  }
}

export function signBytesTimestamp(signBytes: Uint8Array, kind: SignBytesKind): Timestamp {
  return splitTimestamp(signBytes, kind).timestamp;
}

/** True when the two canonical messages are equal once their timestamps are made equal. */
export function signBytesDifferOnlyByTimestamp(a: Uint8Array, b: Uint8Array, kind: SignBytesKind): boolean {
  return bytesEqual(splitTimestamp(a, kind).rest, splitTimestamp(b, kind).rest);
}
