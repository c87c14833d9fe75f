// Protobuf codecs for the consensus data types (CometBFT v1 `cometbft.types.v1`, spec §9.2).
//
// Decoders only check the wire format and number ranges; the rules of each type (ValidateBasic)
// live in validate.ts. An absent non-nullable timestamp decodes to Go's zero time, as in gogoproto,
// so that sign bytes recomputed from a decoded message equal the ones that were signed.
import type {
  Block,
  BlockID,
  Commit,
  CommitSig,
  Consensus,
  DuplicateVoteEvidence,
  Header,
  MerkleProof,
  Part,
  PartSetHeader,
  Proposal,
  Timestamp,
  Vote,
} from '../types.js';
import { GO_ZERO_TIME } from '../types.js';
import { nilBlockId } from '../blockid.js';
import { EMPTY_BYTES } from '../bytes.js';
import { DecodeError } from '../errors.js';
import type { BinaryReader } from './proto.js';
import {
  BinaryWriter,
  encode,
  L,
  V,
  readInt64,
  readMessage,
  writeBytes,
  writeInt32,
  writeInt64,
  writeMessage,
  writeString,
  writeUint32,
} from './proto.js';

type Enc<T> = (w: BinaryWriter, v: T) => void;

export function encodeWith<T>(enc: Enc<T>, v: T): Uint8Array {
  return encode((w) => enc(w, v));
}

/** Reads a sub-message field with `dec` from the length-delimited bytes. */
function sub<T>(r: BinaryReader, dec: (b: Uint8Array) => T): T {
  return dec(r.bytes());
}

// ---- Timestamp ----
export const writeTimestamp: Enc<Timestamp> = (w, t) => {
  writeInt64(w, 1, t.seconds);
  writeInt32(w, 2, t.nanos);
};

export function decodeTimestamp(b: Uint8Array): Timestamp {
  const t = { seconds: 0, nanos: 0 };
  readMessage(b, 'Timestamp', {
    1: [V, (r) => (t.seconds = readInt64(r, 'Timestamp.seconds'))],
    2: [V, (r) => (t.nanos = r.int32())],
  });
  if (t.nanos < 0 || t.nanos > 999_999_999) throw new DecodeError('ErrTimestamp', `Timestamp.nanos ${t.nanos} out of range`, { field: 'nanos' });
  return t;
}

// ---- PartSetHeader, BlockID ----
export const writePartSetHeader: Enc<PartSetHeader> = (w, h) => {
  writeUint32(w, 1, h.total);
  writeBytes(w, 2, h.hash);
};

export function decodePartSetHeader(b: Uint8Array): PartSetHeader {
  const h: PartSetHeader = { total: 0, hash: EMPTY_BYTES };
  readMessage(b, 'PartSetHeader', {
    1: [V, (r) => (h.total = r.uint32())],
    2: [L, (r) => (h.hash = r.bytes())],
  });
  return h;
}

export const writeBlockId: Enc<BlockID> = (w, id) => {
  writeBytes(w, 1, id.hash);
  writeMessage(w, 2, (w) => writePartSetHeader(w, id.partSetHeader));
};

export function decodeBlockId(b: Uint8Array): BlockID {
  const id = nilBlockId();
  readMessage(b, 'BlockID', {
    1: [L, (r) => (id.hash = r.bytes())],
    2: [L, (r) => (id.partSetHeader = sub(r, decodePartSetHeader))],
  });
  return id;
}

// ---- Part and its Merkle proof ----
export const writeProof: Enc<MerkleProof> = (w, p) => {
  writeInt64(w, 1, p.total);
  writeInt64(w, 2, p.index);
  writeBytes(w, 3, p.leafHash);
  for (const a of p.aunts) w.tag(4, L).bytes(a);
};

export function decodeProof(b: Uint8Array): MerkleProof {
  const p: MerkleProof = { total: 0, index: 0, leafHash: EMPTY_BYTES, aunts: [] };
  readMessage(b, 'Proof', {
    1: [V, (r) => (p.total = readInt64(r, 'Proof.total'))],
    2: [V, (r) => (p.index = readInt64(r, 'Proof.index'))],
    3: [L, (r) => (p.leafHash = r.bytes())],
    4: [L, (r) => p.aunts.push(r.bytes())],
  });
  return p;
}

export const writePart: Enc<Part> = (w, p) => {
  writeUint32(w, 1, p.index);
  writeBytes(w, 2, p.bytes);
  writeMessage(w, 3, (w) => writeProof(w, p.proof));
};

export function decodePart(b: Uint8Array): Part {
  const p: Part = { index: 0, bytes: EMPTY_BYTES, proof: { total: 0, index: 0, leafHash: EMPTY_BYTES, aunts: [] } };
  readMessage(b, 'Part', {
    1: [V, (r) => (p.index = r.uint32())],
    2: [L, (r) => (p.bytes = r.bytes())],
    3: [L, (r) => (p.proof = sub(r, decodeProof))],
  });
  return p;
}

// ---- Vote, Proposal ----
export const writeVote: Enc<Vote> = (w, v) => {
  writeInt32(w, 1, v.type);
  writeInt64(w, 2, v.height);
  writeInt32(w, 3, v.round);
  writeMessage(w, 4, (w) => writeBlockId(w, v.blockId));
  writeMessage(w, 5, (w) => writeTimestamp(w, v.timestamp));
  writeBytes(w, 6, v.validatorAddress);
  writeInt32(w, 7, v.validatorIndex);
  writeBytes(w, 8, v.signature);
  writeBytes(w, 9, v.extension);
  writeBytes(w, 10, v.extensionSignature);
};

export function decodeVote(b: Uint8Array): Vote {
  const v = {
    type: 0,
    height: 0,
    round: 0,
    blockId: nilBlockId(),
    timestamp: { ...GO_ZERO_TIME },
    validatorAddress: EMPTY_BYTES,
    validatorIndex: 0,
    signature: EMPTY_BYTES,
    extension: EMPTY_BYTES,
    extensionSignature: EMPTY_BYTES,
  };
  readMessage(b, 'Vote', {
    1: [V, (r) => (v.type = r.int32())],
    2: [V, (r) => (v.height = readInt64(r, 'Vote.height'))],
    3: [V, (r) => (v.round = r.int32())],
    4: [L, (r) => (v.blockId = sub(r, decodeBlockId))],
    5: [L, (r) => (v.timestamp = sub(r, decodeTimestamp))],
    6: [L, (r) => (v.validatorAddress = r.bytes())],
    7: [V, (r) => (v.validatorIndex = r.int32())],
    8: [L, (r) => (v.signature = r.bytes())],
    9: [L, (r) => (v.extension = r.bytes())],
    10: [L, (r) => (v.extensionSignature = r.bytes())],
  });
  return v as Vote;
}

export const writeProposal: Enc<Proposal> = (w, p) => {
  writeInt32(w, 1, p.type);
  writeInt64(w, 2, p.height);
  writeInt32(w, 3, p.round);
  writeInt32(w, 4, p.polRound);
  writeMessage(w, 5, (w) => writeBlockId(w, p.blockId));
  writeMessage(w, 6, (w) => writeTimestamp(w, p.timestamp));
  writeBytes(w, 7, p.signature);
};

export function decodeProposal(b: Uint8Array): Proposal {
  const p = { type: 0, height: 0, round: 0, polRound: 0, blockId: nilBlockId(), timestamp: { ...GO_ZERO_TIME }, signature: EMPTY_BYTES };
  readMessage(b, 'Proposal', {
    1: [V, (r) => (p.type = r.int32())],
    2: [V, (r) => (p.height = readInt64(r, 'Proposal.height'))],
    3: [V, (r) => (p.round = r.int32())],
    4: [V, (r) => (p.polRound = r.int32())],
    5: [L, (r) => (p.blockId = sub(r, decodeBlockId))],
    6: [L, (r) => (p.timestamp = sub(r, decodeTimestamp))],
    7: [L, (r) => (p.signature = r.bytes())],
  });
  return p as Proposal;
}

// ---- Commit ----
export const writeCommitSig: Enc<CommitSig> = (w, s) => {
  writeInt32(w, 1, s.blockIdFlag);
  writeBytes(w, 2, s.validatorAddress);
  writeMessage(w, 3, (w) => writeTimestamp(w, s.timestamp));
  writeBytes(w, 4, s.signature);
};

export function decodeCommitSig(b: Uint8Array): CommitSig {
  const s: CommitSig = { blockIdFlag: 0, validatorAddress: EMPTY_BYTES, timestamp: { ...GO_ZERO_TIME }, signature: EMPTY_BYTES };
  readMessage(b, 'CommitSig', {
    1: [V, (r) => (s.blockIdFlag = r.int32())],
    2: [L, (r) => (s.validatorAddress = r.bytes())],
    3: [L, (r) => (s.timestamp = sub(r, decodeTimestamp))],
    4: [L, (r) => (s.signature = r.bytes())],
  });
  return s;
}

export const writeCommit: Enc<Commit> = (w, c) => {
  writeInt64(w, 1, c.height);
  writeInt32(w, 2, c.round);
  writeMessage(w, 3, (w) => writeBlockId(w, c.blockId));
  for (const s of c.signatures) writeMessage(w, 4, (w) => writeCommitSig(w, s));
};

export function decodeCommit(b: Uint8Array): Commit {
  const c: Commit = { height: 0, round: 0, blockId: nilBlockId(), signatures: [] };
  readMessage(b, 'Commit', {
    1: [V, (r) => (c.height = readInt64(r, 'Commit.height'))],
    2: [V, (r) => (c.round = r.int32())],
    3: [L, (r) => (c.blockId = sub(r, decodeBlockId))],
    4: [L, (r) => c.signatures.push(sub(r, decodeCommitSig))],
  });
  return c;
}

// ---- Evidence ----
export const writeDuplicateVoteEvidence: Enc<DuplicateVoteEvidence> = (w, e) => {
  writeMessage(w, 1, (w) => writeVote(w, e.voteA));
  writeMessage(w, 2, (w) => writeVote(w, e.voteB));
  writeInt64(w, 3, e.totalVotingPower);
  writeInt64(w, 4, e.validatorPower);
  writeMessage(w, 5, (w) => writeTimestamp(w, e.timestamp));
};

export function decodeDuplicateVoteEvidence(b: Uint8Array): DuplicateVoteEvidence {
  let voteA: Vote | null = null;
  let voteB: Vote | null = null;
  const e = { totalVotingPower: 0n, validatorPower: 0n, timestamp: { ...GO_ZERO_TIME } };
  readMessage(b, 'DuplicateVoteEvidence', {
    1: [L, (r) => (voteA = sub(r, decodeVote))],
    2: [L, (r) => (voteB = sub(r, decodeVote))],
    3: [V, (r) => (e.totalVotingPower = BigInt(r.int64()))],
    4: [V, (r) => (e.validatorPower = BigInt(r.int64()))],
    5: [L, (r) => (e.timestamp = sub(r, decodeTimestamp))],
  });
  if (!voteA || !voteB) throw new DecodeError('ErrMissingField', 'DuplicateVoteEvidence needs both votes', { what: 'DuplicateVoteEvidence' });
  return { voteA, voteB, ...e };
}

/** Evidence is a oneof; field 1 is duplicate-vote evidence, the only kind Prevote produces. */
function writeEvidence(w: BinaryWriter, e: DuplicateVoteEvidence): void {
  writeMessage(w, 1, (w) => writeDuplicateVoteEvidence(w, e));
}

function decodeEvidence(b: Uint8Array): DuplicateVoteEvidence {
  let ev: DuplicateVoteEvidence | null = null;
  readMessage(b, 'Evidence', { 1: [L, (r) => (ev = sub(r, decodeDuplicateVoteEvidence))] });
  if (!ev) throw new DecodeError('ErrUnknownEvidence', 'evidence of an unsupported kind', { what: 'Evidence' });
  return ev;
}

// ---- Header, Block ----
export const writeConsensusVersion: Enc<Consensus> = (w, c) => {
  writeInt64(w, 1, c.block);
  writeInt64(w, 2, c.app);
};

function decodeConsensusVersion(b: Uint8Array): Consensus {
  const c = { block: 0, app: 0 };
  readMessage(b, 'Consensus', {
    1: [V, (r) => (c.block = readInt64(r, 'version.block'))],
    2: [V, (r) => (c.app = readInt64(r, 'version.app'))],
  });
  return c;
}

export const writeHeader: Enc<Header> = (w, h) => {
  writeMessage(w, 1, (w) => writeConsensusVersion(w, h.version));
  writeString(w, 2, h.chainId);
  writeInt64(w, 3, h.height);
  writeMessage(w, 4, (w) => writeTimestamp(w, h.time));
  writeMessage(w, 5, (w) => writeBlockId(w, h.lastBlockId));
  writeBytes(w, 6, h.lastCommitHash);
  writeBytes(w, 7, h.dataHash);
  writeBytes(w, 8, h.validatorsHash);
  writeBytes(w, 9, h.nextValidatorsHash);
  writeBytes(w, 10, h.consensusHash);
  writeBytes(w, 11, h.appHash);
  writeBytes(w, 12, h.lastResultsHash);
  writeBytes(w, 13, h.evidenceHash);
  writeBytes(w, 14, h.proposerAddress);
};

export function decodeHeader(b: Uint8Array): Header {
  const e = EMPTY_BYTES;
  const h: Header = {
    version: { block: 0, app: 0 },
    chainId: '',
    height: 0,
    time: { ...GO_ZERO_TIME },
    lastBlockId: nilBlockId(),
    lastCommitHash: e,
    dataHash: e,
    validatorsHash: e,
    nextValidatorsHash: e,
    consensusHash: e,
    appHash: e,
    lastResultsHash: e,
    evidenceHash: e,
    proposerAddress: e,
  };
  readMessage(b, 'Header', {
    1: [L, (r) => (h.version = sub(r, decodeConsensusVersion))],
    2: [L, (r) => (h.chainId = r.string())],
    3: [V, (r) => (h.height = readInt64(r, 'Header.height'))],
    4: [L, (r) => (h.time = sub(r, decodeTimestamp))],
    5: [L, (r) => (h.lastBlockId = sub(r, decodeBlockId))],
    6: [L, (r) => (h.lastCommitHash = r.bytes())],
    7: [L, (r) => (h.dataHash = r.bytes())],
    8: [L, (r) => (h.validatorsHash = r.bytes())],
    9: [L, (r) => (h.nextValidatorsHash = r.bytes())],
    10: [L, (r) => (h.consensusHash = r.bytes())],
    11: [L, (r) => (h.appHash = r.bytes())],
    12: [L, (r) => (h.lastResultsHash = r.bytes())],
    13: [L, (r) => (h.evidenceHash = r.bytes())],
    14: [L, (r) => (h.proposerAddress = r.bytes())],
  });
  return h;
}

export const writeBlock: Enc<Block> = (w, b) => {
  writeMessage(w, 1, (w) => writeHeader(w, b.header));
  writeMessage(w, 2, (w) => {
    for (const tx of b.data.txs) w.tag(1, L).bytes(tx);
  });
  writeMessage(w, 3, (w) => {
    for (const e of b.evidence) writeMessage(w, 1, (w) => writeEvidence(w, e));
  });
  if (b.lastCommit) writeMessage(w, 4, (w) => writeCommit(w, b.lastCommit!));
};

export function encodeBlock(b: Block): Uint8Array {
  return encodeWith(writeBlock, b);
}

export function decodeBlock(bytes: Uint8Array): Block {
  let header: Header | null = null;
  const txs: Uint8Array[] = [];
  const evidence: DuplicateVoteEvidence[] = [];
  let lastCommit: Commit | null = null;
  readMessage(bytes, 'Block', {
    1: [L, (r) => (header = sub(r, decodeHeader))],
    2: [L, (r) => readMessage(r.bytes(), 'Data', { 1: [L, (r) => txs.push(r.bytes())] })],
    3: [L, (r) => readMessage(r.bytes(), 'EvidenceList', { 1: [L, (r) => evidence.push(sub(r, decodeEvidence))] })],
    4: [L, (r) => (lastCommit = sub(r, decodeCommit))],
  });
  if (!header) throw new DecodeError('ErrMissingField', 'block without a header', { what: 'Block' });
  return { header, data: { txs }, evidence, lastCommit };
}

export const encodeCommit = (c: Commit) => encodeWith(writeCommit, c);
export const encodeBlockId = (id: BlockID) => encodeWith(writeBlockId, id);
export const encodeTimestamp = (t: Timestamp) => encodeWith(writeTimestamp, t);
export const encodeDuplicateVoteEvidence = (e: DuplicateVoteEvidence) => encodeWith(writeDuplicateVoteEvidence, e);
