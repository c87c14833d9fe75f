// The chain state as of the last committed block (spec §2 `state`): what the next height is
// decided against. Validators are the set for the next height (LastBlockHeight + 1).
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type { BlockID, Bytes, Timestamp } from '../types.js';
import type { ValidatorSet } from '../validators/validator-set.js';
import { nilBlockId } from '../blockid.js';
import { sha256 } from '../crypto/sha256.js';
import { MAX_BLOCK_SIZE_BYTES } from '../types.js';

export interface ConsensusParams {
  /** -1 means the 100 MB protocol maximum (spec §4.6). */
  blockMaxBytes: number;
  blockMaxGas: number;
}

export const DEFAULT_CONSENSUS_PARAMS: Readonly<ConsensusParams> = Object.freeze({ blockMaxBytes: 4194304, blockMaxGas: -1 });

export interface ChainState {
  chainId: string;
  initialHeight: number;
  lastBlockHeight: number;
  lastBlockId: BlockID;
  lastBlockTime: Timestamp;
  /** Validators of height lastBlockHeight + 1, priorities as of round 0. */
  validators: ValidatorSet;
  /** Validators of height lastBlockHeight + 2 ([CMT]: updates take effect at H+2). */
  nextValidators: ValidatorSet;
  /** Validators of height lastBlockHeight (null at genesis). */
  lastValidators: ValidatorSet | null;
  consensusParams: ConsensusParams;
  lastResultsHash: Bytes;
  appHash: Bytes;
}

export function maxBlockBytes(p: ConsensusParams): number {
  return p.blockMaxBytes === -1 ? MAX_BLOCK_SIZE_BYTES : p.blockMaxBytes;
}

/** CometBFT hashes only HashedParams{block_max_bytes = 1, block_max_gas = 2}. */
export function consensusParamsHash(p: ConsensusParams): Bytes {
  // asked for every block validated, of params that hardly ever change: kept by value
  const key = `${p.blockMaxBytes}/${p.blockMaxGas}`;
  let hash = paramsHashes.get(key);
  if (!hash) {
    if (paramsHashes.size >= 16) paramsHashes.clear();
    const w = new BinaryWriter();
    if (p.blockMaxBytes !== 0) w.tag(1, WireType.Varint).int64(p.blockMaxBytes);
    if (p.blockMaxGas !== 0) w.tag(2, WireType.Varint).int64(p.blockMaxGas);
    paramsHashes.set(key, (hash = sha256(w.finish())));
  }
  return hash.slice();
}

const paramsHashes = new Map<string, Bytes>();

/** A state of one's own to change; its validator sets are shared, as they never change (ValidatorSet). */
export function copyChainState(s: ChainState): ChainState {
  return { ...s, consensusParams: { ...s.consensusParams } };
}

/** The height the chain decides next (spec §4.2: InitialHeight for the first block). */
export function nextHeight(s: ChainState): number {
  return s.lastBlockHeight === 0 ? s.initialHeight : s.lastBlockHeight + 1;
}

export { nilBlockId };
