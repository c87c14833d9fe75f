// The consensus reactor's messages ([CMT] `cometbft.consensus.v1.Message`, spec §9.2) and their
// codec. decodeMessage is the reactor's gate: oversize input, an unknown or missing kind, two kinds
// at once, malformed fields and values that fail ValidateBasic all become typed errors.
import type { BlockID, Part, PartSetHeader, Proposal, Vote, VoteType } from '../types.js';
import { MAX_BLOCK_PARTS_COUNT, MAX_MSG_SIZE, MAX_VOTES_COUNT, isValidRoundStep, isVoteType } from '../types.js';
import type { RoundStepType } from '../types.js';
import { BitArray } from '../bits/bit-array.js';
import { nilBlockId, ZERO_PART_SET_HEADER } from '../blockid.js';
import { DecodeError, ValidationError } from '../errors.js';
import { bytesEqual } from '../bytes.js';
import {
  decodeBlockId,
  decodePart,
  decodePartSetHeader,
  decodeProposal,
  decodeVote,
  writeBlockId,
  writePart,
  writePartSetHeader,
  writeProposal,
  writeVote,
} from './codec.js';
import type { FieldReader, WireType } from './proto.js';
import { BinaryReader, BinaryWriter, encode, L, V, readInt64, readMessage, writeBool, writeInt32, writeInt64, writeMessage, writeUint32 } from './proto.js';
import { validateBlockId, validatePart, validatePartSetHeader, validateProposal, validateVote } from './validate.js';

export interface NewRoundStepMessage {
  kind: 'NewRoundStep';
  height: number;
  round: number;
  step: RoundStepType;
  secondsSinceStartTime: number;
  lastCommitRound: number;
}
export interface NewValidBlockMessage {
  kind: 'NewValidBlock';
  height: number;
  round: number;
  blockPartSetHeader: PartSetHeader;
  blockParts: BitArray;
  isCommit: boolean;
}
export interface ProposalMessage {
  kind: 'Proposal';
  proposal: Proposal;
}
export interface ProposalPOLMessage {
  kind: 'ProposalPOL';
  height: number;
  proposalPolRound: number;
  proposalPol: BitArray;
}
export interface BlockPartMessage {
  kind: 'BlockPart';
  height: number;
  round: number;
  part: Part;
}
export interface VoteMessage {
  kind: 'Vote';
  vote: Vote;
}
export interface HasVoteMessage {
  kind: 'HasVote';
  height: number;
  round: number;
  type: VoteType;
  index: number;
}
export interface VoteSetMaj23Message {
  kind: 'VoteSetMaj23';
  height: number;
  round: number;
  type: VoteType;
  blockId: BlockID;
}
export interface VoteSetBitsMessage {
  kind: 'VoteSetBits';
  height: number;
  round: number;
  type: VoteType;
  blockId: BlockID;
  votes: BitArray;
}
export interface HasProposalBlockPartMessage {
  kind: 'HasProposalBlockPart';
  height: number;
  round: number;
  index: number;
}

export type ConsensusMessage =
  | NewRoundStepMessage
  | NewValidBlockMessage
  | ProposalMessage
  | ProposalPOLMessage
  | BlockPartMessage
  | VoteMessage
  | HasVoteMessage
  | VoteSetMaj23Message
  | VoteSetBitsMessage
  | HasProposalBlockPartMessage;

/** Oneof field numbers of `Message`. */
export const MESSAGE_FIELD: Record<ConsensusMessage['kind'], number> = {
  NewRoundStep: 1,
  NewValidBlock: 2,
  Proposal: 3,
  ProposalPOL: 4,
  BlockPart: 5,
  Vote: 6,
  HasVote: 7,
  VoteSetMaj23: 8,
  VoteSetBits: 9,
  HasProposalBlockPart: 10,
};

function writeBitArray(w: BinaryWriter, field: number, ba: BitArray): void {
  const { bits, elems } = ba.toProto();
  writeMessage(w, field, (w) => {
    writeInt64(w, 1, bits);
    if (elems.length > 0) {
      w.tag(2, L).fork();
      for (const e of elems) w.uint64(e);
      w.join();
    }
  });
}

function readBitArray(r: BinaryReader, what: string, maxBits: number): BitArray {
  let bits = 0n;
  const elems: bigint[] = [];
  readMessage(r.bytes(), what, {
    1: [V, (r) => (bits = BigInt(r.int64()))],
    2: [
      L,
(r) => readPacked(r.bytes(), elems),
    ],
  });
  return BitArray.fromProto(bits, elems, maxBits);
}

/** A packed run of uint64 varints; ending inside a varint is truncation. */
function readPacked(b: Uint8Array, out: bigint[]): void {
  const r = new BinaryReader(b);
  while (r.pos < r.len) out.push(BigInt.asUintN(64, BigInt(r.uint64())));
  if (r.pos > r.len) throw new DecodeError('ErrTruncated', 'BitArray.elems ends inside a varint', { what: 'BitArray' });
}

export function encodeMessage(m: ConsensusMessage): Uint8Array {
  return encode((w) => writeMessage(w, MESSAGE_FIELD[m.kind], (w) => {
    switch (m.kind) {
      case 'NewRoundStep':
        writeInt64(w, 1, m.height);
        writeInt32(w, 2, m.round);
        writeUint32(w, 3, m.step);
        writeInt64(w, 4, m.secondsSinceStartTime);
        writeInt32(w, 5, m.lastCommitRound);
        break;
      case 'NewValidBlock':
        writeInt64(w, 1, m.height);
        writeInt32(w, 2, m.round);
        writeMessage(w, 3, (w) => writePartSetHeader(w, m.blockPartSetHeader));
        writeBitArray(w, 4, m.blockParts);
        writeBool(w, 5, m.isCommit);
        break;
      case 'Proposal':
        writeMessage(w, 1, (w) => writeProposal(w, m.proposal));
        break;
      case 'ProposalPOL':
        writeInt64(w, 1, m.height);
        writeInt32(w, 2, m.proposalPolRound);
        writeBitArray(w, 3, m.proposalPol);
        break;
      case 'BlockPart':
        writeInt64(w, 1, m.height);
        writeInt32(w, 2, m.round);
        writeMessage(w, 3, (w) => writePart(w, m.part));
        break;
      case 'Vote':
        writeMessage(w, 1, (w) => writeVote(w, m.vote));
        break;
      case 'HasVote':
        writeInt64(w, 1, m.height);
        writeInt32(w, 2, m.round);
        writeInt32(w, 3, m.type);
        writeInt32(w, 4, m.index);
        break;
      case 'VoteSetMaj23':
        writeInt64(w, 1, m.height);
        writeInt32(w, 2, m.round);
        writeInt32(w, 3, m.type);
        writeMessage(w, 4, (w) => writeBlockId(w, m.blockId));
        break;
      case 'VoteSetBits':
        writeInt64(w, 1, m.height);
        writeInt32(w, 2, m.round);
        writeInt32(w, 3, m.type);
        writeMessage(w, 4, (w) => writeBlockId(w, m.blockId));
        writeBitArray(w, 5, m.votes);
        break;
      case 'HasProposalBlockPart':
        writeInt64(w, 1, m.height);
        writeInt32(w, 2, m.round);
        writeInt32(w, 3, m.index);
        break;
    }
  }));
}

function invalid(kind: string, message: string, field: string): never {
  throw new ValidationError('ErrInvalidMessage', `${kind}: ${message}`, { kind, field });
}

function checkHeightRound(kind: string, height: number, round: number): void {
  if (height < 0) invalid(kind, `negative height ${height}`, 'height');
  if (round < 0) invalid(kind, `negative round ${round}`, 'round');
}

function checkVoteType(kind: string, type: number): asserts type is VoteType {
  if (!isVoteType(type)) invalid(kind, `invalid vote type ${type}`, 'type');
}

/** Decodes the body of one oneof case and applies its ValidateBasic. */
function decodeBody(field: number, b: Uint8Array): ConsensusMessage {
  const hr = { height: 0, round: 0 };
  const heightRound: Record<number, [WireType, FieldReader]> = {
    1: [V, (r) => (hr.height = readInt64(r, 'height'))],
    2: [V, (r) => (hr.round = r.int32())],
  };
  switch (field) {
    case 1: {
      const m = { kind: 'NewRoundStep' as const, step: 0, secondsSinceStartTime: 0, lastCommitRound: 0 };
      readMessage(b, 'NewRoundStep', {
        ...heightRound,
        3: [V, (r) => (m.step = r.uint32())],
        4: [V, (r) => (m.secondsSinceStartTime = readInt64(r, 'secondsSinceStartTime'))],
        5: [V, (r) => (m.lastCommitRound = r.int32())],
      });
      checkHeightRound(m.kind, hr.height, hr.round);
      if (!isValidRoundStep(m.step)) invalid(m.kind, `invalid step ${m.step}`, 'step');
      if (m.lastCommitRound < -1) invalid(m.kind, `invalid LastCommitRound ${m.lastCommitRound}`, 'lastCommitRound');
      return { ...m, ...hr, step: m.step as RoundStepType };
    }
    case 2: {
      let psh: PartSetHeader = ZERO_PART_SET_HEADER;
      let parts: BitArray | null = null;
      let isCommit = false;
      readMessage(b, 'NewValidBlock', {
        ...heightRound,
        3: [L, (r) => (psh = decodePartSetHeader(r.bytes()))],
        4: [L, (r) => (parts = readBitArray(r, 'NewValidBlock.BlockParts', MAX_BLOCK_PARTS_COUNT))],
        5: [V, (r) => (isCommit = r.bool())],
      });
      checkHeightRound('NewValidBlock', hr.height, hr.round);
      validatePartSetHeader(psh, 'NewValidBlock.BlockPartSetHeader');
      const blockParts: BitArray = parts ?? new BitArray(0);
      if (blockParts.bits !== psh.total) invalid('NewValidBlock', `BlockParts has ${blockParts.bits} bits, header total is ${psh.total}`, 'blockParts');
      return { kind: 'NewValidBlock', ...hr, blockPartSetHeader: psh, blockParts, isCommit };
    }
    case 3: {
      let proposal: Proposal | null = null;
      readMessage(b, 'ProposalMessage', { 1: [L, (r) => (proposal = decodeProposal(r.bytes()))] });
      if (!proposal) invalid('Proposal', 'missing proposal', 'proposal');
      validateProposal(proposal);
      return { kind: 'Proposal', proposal };
    }
    case 4: {
      let pol: BitArray | null = null;
      readMessage(b, 'ProposalPOL', {
        1: heightRound[1],
        2: [V, (r) => (hr.round = r.int32())],
        3: [L, (r) => (pol = readBitArray(r, 'ProposalPOL.ProposalPOL', MAX_VOTES_COUNT))],
      });
      checkHeightRound('ProposalPOL', hr.height, hr.round);
      const proposalPol: BitArray = pol ?? new BitArray(0);
      if (proposalPol.bits === 0) invalid('ProposalPOL', 'empty ProposalPOL bit array', 'proposalPol');
      return { kind: 'ProposalPOL', height: hr.height, proposalPolRound: hr.round, proposalPol };
    }
    case 5: {
      let part: Part | null = null;
      readMessage(b, 'BlockPart', { ...heightRound, 3: [L, (r) => (part = decodePart(r.bytes()))] });
      checkHeightRound('BlockPart', hr.height, hr.round);
      if (!part) invalid('BlockPart', 'missing part', 'part');
      validatePart(part);
      return { kind: 'BlockPart', ...hr, part };
    }
    case 6: {
      let vote: Vote | null = null;
      readMessage(b, 'VoteMessage', { 1: [L, (r) => (vote = decodeVote(r.bytes()))] });
      if (!vote) invalid('Vote', 'missing vote', 'vote');
      validateVote(vote);
      return { kind: 'Vote', vote };
    }
    case 7: {
      const m = { type: 0, index: 0 };
      readMessage(b, 'HasVote', { ...heightRound, 3: [V, (r) => (m.type = r.int32())], 4: [V, (r) => (m.index = r.int32())] });
      checkHeightRound('HasVote', hr.height, hr.round);
      checkVoteType('HasVote', m.type);
      if (m.index < 0) invalid('HasVote', `negative index ${m.index}`, 'index');
      return { kind: 'HasVote', ...hr, type: m.type, index: m.index };
    }
    case 8:
    case 9: {
      const kind = field === 8 ? 'VoteSetMaj23' : 'VoteSetBits';
      let type = 0;
      let blockId = nilBlockId();
      let votes: BitArray | null = null;
      readMessage(b, kind, {
        ...heightRound,
        3: [V, (r) => (type = r.int32())],
        4: [L, (r) => (blockId = decodeBlockId(r.bytes()))],
        5: [L, (r) => (votes = readBitArray(r, 'VoteSetBits.Votes', MAX_VOTES_COUNT))],
      });
      checkHeightRound(kind, hr.height, hr.round);
      checkVoteType(kind, type);
      validateBlockId(blockId, `${kind}.BlockID`);
      if (field === 8) return { kind: 'VoteSetMaj23', ...hr, type, blockId };
      return { kind: 'VoteSetBits', ...hr, type, blockId, votes: votes ?? new BitArray(0) };
    }
    case 10: {
      let index = 0;
      readMessage(b, 'HasProposalBlockPart', { ...heightRound, 3: [V, (r) => (index = r.int32())] });
      checkHeightRound('HasProposalBlockPart', hr.height, hr.round);
      if (index < 0) invalid('HasProposalBlockPart', `negative index ${index}`, 'index');
      return { kind: 'HasProposalBlockPart', ...hr, index };
    }
    default:
      throw new DecodeError('ErrUnknownMessage', `unknown consensus message kind ${field}`, { field });
  }
}

/** Decodes one reactor message; every failure is a DecodeError or ValidationError. */
export function decodeMessage(bytes: Uint8Array): ConsensusMessage {
  if (bytes.length > MAX_MSG_SIZE) {
    throw new DecodeError('ErrMsgTooBig', `message of ${bytes.length} bytes exceeds ${MAX_MSG_SIZE}`, { size: bytes.length });
  }
  kindFound = null;
  readMessage(bytes, 'Message', KIND_FIELDS);
  const found = kindFound as { field: number; body: Uint8Array } | null;
  kindFound = null;
  if (!found) throw new DecodeError('ErrUnknownMessage', 'message of no known kind', { size: bytes.length });
  return decodeBody(found.field, found.body);
}

// The oneof's readers are made once, not per message: they only note the one kind found, and
// nothing decodes in between (decodeBody runs after the outer read is done).
let kindFound: { field: number; body: Uint8Array } | null = null;
const KIND_FIELDS: Record<number, [typeof L, (r: BinaryReader) => void]> = {};
for (let field = 1; field <= 10; field++) {
  KIND_FIELDS[field] = [
    L,
    (r) => {
      if (kindFound) throw new DecodeError('ErrTwoKinds', `message carries kind ${kindFound.field} and kind ${field}`, { field });
      kindFound = { field, body: r.bytes() };
    },
  ];
}

// Messages are values: never changed once made or decoded. So a message broadcast to every peer
// is encoded once (by the message object, and a vote by the vote object, which each relay wraps
// anew), and one bytes object handed to several receivers (the simulator does that; a real
// transport never does) is decoded once, the receivers sharing the message. Decoding stays a
// pure function of the bytes: nothing a node can observe changes, only the work.
const encodedBytes = new WeakMap<object, Uint8Array>();
const decodedBytes = new WeakMap<Uint8Array, ConsensusMessage>();
/** Bytes our own encoder made here: what decodeMessageShared would write again, by construction. */
const ours = new WeakSet<Uint8Array>();

/**
 * HasVote bytes by what they say. Every node that adds a vote announces it in a message object of
 * its own, with the same bytes: made once, they are also decoded once for the whole simulated
 * network (HasVote is two thirds of its messages). A memo, emptied when full.
 */
const hasVoteBytes = new Map<number, Uint8Array>();
const HAS_VOTE_MEMO_SIZE = 8192;

/**
 * A HasVote's fields as one number, or -1 when one is not a whole number in its range (then it
 * is not memoized): the masks let through exactly the values that cannot collide.
 */
function hasVoteKey(m: HasVoteMessage): number {
  if ((m.height & 0xffffff) !== m.height || (m.round & 0x3ff) !== m.round || (m.type & 3) !== m.type || (m.index & 0xffff) !== m.index) return -1;
  return ((m.height * 1024 + m.round) * 4 + m.type) * 65536 + m.index;
}

/** encodeMessage, once per message (or vote) object; the bytes are shared and must not be changed. */
export function encodeMessageShared(m: ConsensusMessage): Uint8Array {
  if (m.kind === 'HasVote') {
    const hv = hasVoteKey(m);
    if (hv >= 0) return hasVoteBytes.get(hv) ?? memoHasVote(hv, m);
  }
  const key = m.kind === 'Vote' ? m.vote : m;
  let bytes = encodedBytes.get(key);
  if (!bytes) {
    encodedBytes.set(key, (bytes = encodeMessage(m)));
    ours.add(bytes);
  }
  return bytes;
}

function memoHasVote(key: number, m: HasVoteMessage): Uint8Array {
  if (hasVoteBytes.size >= HAS_VOTE_MEMO_SIZE) hasVoteBytes.clear();
  const bytes = encodeMessage(m);
  hasVoteBytes.set(key, bytes);
  return bytes;
}

/**
 * decodeMessage, once per bytes object; a malformed message throws every time.
 *
 * A vote is relayed with the very bytes it came in, when they are what we would write (checked
 * here, once per bytes object): in the simulator every node then hands its neighbours the same
 * bytes object, so the network decodes each vote, and makes its sign bytes, once instead of once
 * per relaying node. Nothing a peer added (unknown fields, padding) travels on: other bytes are
 * replaced by our own encoding.
 */
export function decodeMessageShared(bytes: Uint8Array): ConsensusMessage {
  let msg = decodedBytes.get(bytes);
  if (msg) return msg;
  decodedBytes.set(bytes, (msg = decodeMessage(bytes)));
  if (msg.kind === 'Vote') {
    const again = ours.has(bytes) ? null : encodeMessage(msg); // bytes made here are ours already
    encodedBytes.set(msg.vote, again === null || bytesEqual(again, bytes) ? bytes : again);
  }
  return msg;
}
