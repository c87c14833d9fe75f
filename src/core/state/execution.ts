// Making, validating and applying blocks ([CMT] state/execution.go semantics, spec §4.5, §7.6, §11.3).
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type { Block, BlockID, Bytes, Commit, DuplicateVoteEvidence, Timestamp } from '../types.js';
import { BlockIDFlag } from '../types.js';
import type { Application, ExecTxResult, FinalizeBlockResponse } from '../app/application.js';
import type { SignatureChecker } from '../crypto/checker.js';
import type { ChainState } from './chain-state.js';
import { consensusParamsHash, nextHeight } from './chain-state.js';
import { blockIdEqual, blockIdShort } from '../blockid.js';
import { bytesEqual, toHex } from '../bytes.js';
import { compareTimestamps } from '../time.js';
import { hashFromByteSlices } from '../crypto/merkle.js';
import { commitHash, evidenceHash, headerHash, txsHash } from '../encoding/hashes.js';
import { encodeBlock } from '../encoding/codec.js';
import { PartSet } from '../blocks/part-set.js';
import { verifyCommit } from '../validators/verify-commit.js';
import type { ValidatorSet } from '../validators/validator-set.js';
import { addressFromPubKey } from '../crypto/address.js';

/** CometBFT's block protocol version. */
export const BLOCK_PROTOCOL = 11;

export function blockHash(block: Block): Bytes {
  return headerHash(block.header);
}

/** The block's id and its parts: what a proposal commits to (spec §8.1). */
export function makeBlockParts(block: Block): { blockId: BlockID; parts: PartSet } {
  const parts = PartSet.fromData(encodeBlock(block));
  return { blockId: { hash: blockHash(block), partSetHeader: parts.header() }, parts };
}

/**
 * BFT time ([CMT] MedianTime): the power-weighted median of the LastCommit's timestamps, so a
 * block's time cannot be set by less than a third of the power.
 */
export function medianTime(commit: Commit, validators: ValidatorSet): Timestamp {
  // asked by every node that validates the block (simulated nodes share one decoded commit), and
  // by its proposer: kept per commit and validator set (by hash: each node has its own copy)
  const hash = validators.hash();
  const known = medianTimes.get(commit);
  if (known && bytesEqual(known.validatorsHash, hash)) return known.time;
  const time = weightedMedian(commit, validators);
  medianTimes.set(commit, { validatorsHash: hash, time });
  return time;
}

const medianTimes = new WeakMap<Commit, { validatorsHash: Bytes; time: Timestamp }>();

function weightedMedian(commit: Commit, validators: ValidatorSet): Timestamp {
  const weighted: { time: Timestamp; weight: bigint }[] = [];
  let total = 0n;
  for (const sig of commit.signatures) {
    if (sig.blockIdFlag === BlockIDFlag.Absent) continue;
    const v = validators.getByAddress(sig.validatorAddress);
    if (!v) continue;
    weighted.push({ time: sig.timestamp, weight: v.validator.votingPower });
    total += v.validator.votingPower;
  }
  weighted.sort((a, b) => compareTimestamps(a.time, b.time));
  let median = total / 2n;
  for (const w of weighted) {
    if (median <= w.weight) return w.time;
    median -= w.weight;
  }
  return { seconds: 0, nanos: 0 };
}

export interface MakeBlockArgs {
  txs: Bytes[];
  lastCommit: Commit | null;
  evidence: DuplicateVoteEvidence[];
  proposerAddress: Bytes;
}

/** state.MakeBlock: the header commits to everything the state says about the chain so far. */
export function makeBlock(state: ChainState, args: MakeBlockArgs): Block {
  const height = nextHeight(state);
  const lastCommit = args.lastCommit ?? { height: 0, round: 0, blockId: state.lastBlockId, signatures: [] };
  const time = height === state.initialHeight || !state.lastValidators ? state.lastBlockTime : medianTime(lastCommit, state.lastValidators);
  return {
    header: {
      version: { block: BLOCK_PROTOCOL, app: 0 },
      chainId: state.chainId,
      height,
      time,
      lastBlockId: state.lastBlockId,
      lastCommitHash: commitHash(lastCommit),
      dataHash: txsHash(args.txs),
      validatorsHash: state.validators.hash(),
      nextValidatorsHash: state.nextValidators.hash(),
      consensusHash: consensusParamsHash(state.consensusParams),
      appHash: state.appHash,
      lastResultsHash: state.lastResultsHash,
      evidenceHash: evidenceHash(args.evidence),
      proposerAddress: args.proposerAddress,
    },
    data: { txs: args.txs },
    evidence: args.evidence,
    lastCommit,
  };
}

/**
 * validateBlock (spec §7.6, §11.3): returns a reason when the block must not be voted for or
 * committed on top of `state`, null when it is valid. Pure apart from signature checks.
 */
export function validateBlock(state: ChainState, block: Block, checker: SignatureChecker): string | null {
  // The engine validates the same block against the same state when it prevotes, locks and
  // commits; like CometBFT's lastValidatedBlock, remember the verdict. Blocks and chain states
  // are never mutated (the next height gets a new state), so the key is their identity.
  // The simulator's nodes share one decoded block, each with its own state: a verdict per state.
  let byState = lastValidated.get(block);
  if (!byState) lastValidated.set(block, (byState = new WeakMap()));
  const last = byState.get(state);
  if (last && last.checker === checker) return last.result;
  const result = checkBlock(state, block, checker);
  byState.set(state, { checker, result });
  return result;
}

const lastValidated = new WeakMap<Block, WeakMap<ChainState, { checker: SignatureChecker; result: string | null }>>();

function checkBlock(state: ChainState, block: Block, checker: SignatureChecker): string | null {
  const h = block.header;
  const expectHeight = nextHeight(state);
  const lastCommit = block.lastCommit ?? { height: 0, round: 0, blockId: state.lastBlockId, signatures: [] };
  if (h.chainId !== state.chainId) return `wrong chain id ${h.chainId}, expected ${state.chainId}`;
  if (h.height !== expectHeight) return `wrong height ${h.height}, expected ${expectHeight}`;
  if (!blockIdEqual(h.lastBlockId, state.lastBlockId)) return `wrong LastBlockID ${blockIdShort(h.lastBlockId)}`;
  if (!bytesEqual(h.appHash, state.appHash)) return `wrong AppHash ${toHex(h.appHash)}, expected ${toHex(state.appHash)}`;
  if (!bytesEqual(h.consensusHash, consensusParamsHash(state.consensusParams))) return 'wrong ConsensusHash';
  if (!bytesEqual(h.lastResultsHash, state.lastResultsHash)) return 'wrong LastResultsHash';
  if (!bytesEqual(h.validatorsHash, state.validators.hash())) return 'wrong ValidatorsHash';
  if (!bytesEqual(h.nextValidatorsHash, state.nextValidators.hash())) return 'wrong NextValidatorsHash';
  if (!bytesEqual(h.dataHash, txsHash(block.data.txs))) return 'wrong DataHash';
  if (!bytesEqual(h.lastCommitHash, commitHash(lastCommit))) return 'wrong LastCommitHash';
  if (!bytesEqual(h.evidenceHash, evidenceHash(block.evidence))) return 'wrong EvidenceHash';
  if (!state.validators.getByAddress(h.proposerAddress)) return `proposer ${toHex(h.proposerAddress)} is not a validator`;
  if (h.height === state.initialHeight) {
    if (lastCommit.signatures.length !== 0) return 'the first block must have an empty LastCommit';
    if (compareTimestamps(h.time, state.lastBlockTime) < 0) return 'block time before genesis time';
  } else {
    if (!state.lastValidators) return 'no validators for the last height';
    const err = verifyCommit(state.chainId, state.lastValidators, state.lastBlockId, h.height - 1, lastCommit, checker);
    if (err) return `invalid LastCommit: ${typeof err === 'string' ? err : err.message}`;
    if (compareTimestamps(h.time, state.lastBlockTime) <= 0) return 'block time not after the last block time';
    const median = medianTime(lastCommit, state.lastValidators);
    if (compareTimestamps(h.time, median) !== 0) return 'block time is not the median time of the LastCommit';
  }
  return null;
}

/** Results hash: Merkle root of each deterministic ExecTxResult (only `code` is set here). */
export function txResultsHash(results: ExecTxResult[]): Bytes {
  return hashFromByteSlices(
    results.map((r) => {
      const w = new BinaryWriter();
      if (r.code !== 0) w.tag(1, WireType.Varint).uint32(r.code);
      return w.finish();
    }),
  );
}

export interface ApplyResult {
  state: ChainState;
  response: FinalizeBlockResponse;
}

/**
 * ApplyBlock (spec §11.3, [CMT]): FinalizeBlock, then the state for the next height, then Commit.
 * For drivers (the Handshaker, checkers); the engine asks for the same steps as effects.
 */
export function applyBlock(state: ChainState, blockId: BlockID, block: Block, app: Application): ApplyResult {
  const response = app.finalizeBlock(finalizeRequest(blockId, block));
  const next = nextState(state, blockId, block, response);
  app.commit();
  return { response, state: next };
}

/** The FinalizeBlock request for a committed block. */
export function finalizeRequest(blockId: BlockID, block: Block) {
  const h = block.header;
  return { txs: block.data.txs, height: h.height, hash: blockId.hash, time: h.time, proposerAddress: h.proposerAddress };
}

/**
 * The chain state after a block, from the application's FinalizeBlock response (pure).
 * Validator updates returned at height H take effect at H+2.
 */
export function nextState(state: ChainState, blockId: BlockID, block: Block, response: FinalizeBlockResponse): ChainState {
  const h = block.header;
  const next = state.nextValidators.copy();
  if (response.validatorUpdates.length > 0) {
    next.updateWithChangeSet(
      response.validatorUpdates.map((u) => ({ address: addressFromPubKey(u.pubKey), pubKey: u.pubKey, votingPower: u.power })),
    );
  }
  next.incrementProposerPriority(1);
  return {
    ...state,
    lastBlockHeight: h.height,
    lastBlockId: blockId,
    lastBlockTime: h.time,
    validators: state.nextValidators,
    nextValidators: next,
    lastValidators: state.validators,
    lastResultsHash: txResultsHash(response.txResults),
    appHash: response.appHash,
  };
}
