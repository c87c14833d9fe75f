// The consensus data types (spec §1), as plain serialisable data.
//
// Heights and rounds are JS numbers: they are checked at the decoding edge and a value that would
// not fit exactly (above 2^53) is rejected there (spec §1.1). Voting power and proposer priority
// are `bigint` because CometBFT does int64 arithmetic on them (sums, saturation, truncating
// division) and the results must match bit for bit.

export type Bytes = Uint8Array;

/** Signed message type (spec §1.2). */
export enum SignedMsgType {
  Unknown = 0,
  Prevote = 0x01,
  Precommit = 0x02,
  Proposal = 0x20,
}

export type VoteType = SignedMsgType.Prevote | SignedMsgType.Precommit;

export function isVoteType(t: number): t is VoteType {
  return t === SignedMsgType.Prevote || t === SignedMsgType.Precommit;
}

/** RoundStepType (spec §1.2); numeric order matters. */
export enum RoundStepType {
  NewHeight = 0x01,
  NewRound = 0x02,
  Propose = 0x03,
  Prevote = 0x04,
  PrevoteWait = 0x05,
  Precommit = 0x06,
  PrecommitWait = 0x07,
  Commit = 0x08,
}

/** Each step's name, made once: a name made per call is a new string in every event that keeps it. */
const ROUND_STEP_NAMES = new Map(Object.values(RoundStepType).filter((v): v is number => typeof v === 'number').map((v) => [v, `RoundStep${RoundStepType[v]}`]));

export function roundStepName(step: number): string {
  return ROUND_STEP_NAMES.get(step) ?? 'RoundStepUnknown';
}

export function isValidRoundStep(step: number): step is RoundStepType {
  return Number.isInteger(step) && step >= RoundStepType.NewHeight && step <= RoundStepType.Commit;
}

/** google.protobuf.Timestamp. Go's zero time is seconds = -62135596800 (spec §16.2). */
export interface Timestamp {
  seconds: number;
  nanos: number;
}

export const GO_ZERO_TIME: Timestamp = { seconds: -62135596800, nanos: 0 };

export interface PartSetHeader {
  total: number;
  hash: Bytes;
}

export interface BlockID {
  hash: Bytes;
  partSetHeader: PartSetHeader;
}

export interface MerkleProof {
  total: number;
  index: number;
  leafHash: Bytes;
  aunts: Bytes[];
}

export interface Part {
  index: number;
  bytes: Bytes;
  proof: MerkleProof;
}

export interface Consensus {
  block: number;
  app: number;
}

/** CometBFT v1 block header (types.proto Header). */
export interface Header {
  version: Consensus;
  chainId: string;
  height: number;
  time: Timestamp;
  lastBlockId: BlockID;
  lastCommitHash: Bytes;
  dataHash: Bytes;
  validatorsHash: Bytes;
  nextValidatorsHash: Bytes;
  consensusHash: Bytes;
  appHash: Bytes;
  lastResultsHash: Bytes;
  evidenceHash: Bytes;
  proposerAddress: Bytes;
}

export interface Data {
  txs: Bytes[];
}

export enum BlockIDFlag {
  Unknown = 0,
  Absent = 1,
  Commit = 2,
  Nil = 3,
}

export interface CommitSig {
  blockIdFlag: BlockIDFlag;
  validatorAddress: Bytes;
  timestamp: Timestamp;
  signature: Bytes;
}

export interface Commit {
  height: number;
  round: number;
  blockId: BlockID;
  signatures: CommitSig[];
}

export interface Vote {
  type: VoteType;
  height: number;
  round: number;
  /** The zero BlockID (empty hash, total 0) is a vote for nil. */
  blockId: BlockID;
  timestamp: Timestamp;
  validatorAddress: Bytes;
  validatorIndex: number;
  signature: Bytes;
  extension: Bytes;
  extensionSignature: Bytes;
}

export interface Proposal {
  type: SignedMsgType.Proposal;
  height: number;
  round: number;
  /** -1 when there is no proof-of-lock round. */
  polRound: number;
  blockId: BlockID;
  timestamp: Timestamp;
  signature: Bytes;
}

export interface DuplicateVoteEvidence {
  voteA: Vote;
  voteB: Vote;
  totalVotingPower: bigint;
  validatorPower: bigint;
  timestamp: Timestamp;
}

export interface Block {
  header: Header;
  data: Data;
  evidence: DuplicateVoteEvidence[];
  lastCommit: Commit | null;
}

export interface Validator {
  /** First 20 bytes of SHA-256 of the public key (spec §13.3). */
  address: Bytes;
  /** Raw 32-byte Ed25519 public key. */
  pubKey: Bytes;
  votingPower: bigint;
  proposerPriority: bigint;
}

// ---- Constants (spec §1.8, [CMT] column) ----
export const BLOCK_PART_SIZE_BYTES = 65536;
export const MAX_BLOCK_SIZE_BYTES = 104857600;
export const MAX_BLOCK_PARTS_COUNT = Math.floor(MAX_BLOCK_SIZE_BYTES / BLOCK_PART_SIZE_BYTES) + 1;
export const MAX_MSG_SIZE = 1048576;
export const MAX_VOTES_COUNT = 10000;
export const MAX_AUNTS = 100;
export const MAX_CHAIN_ID_LEN = 50;
export const MAX_SIGNATURE_SIZE = 64;
export const ADDRESS_SIZE = 20;
export const HASH_SIZE = 32;
export const MAX_TOTAL_VOTING_POWER = (2n ** 63n - 1n) / 8n;
