// The Application interface, shaped like ABCI 2.0 (spec §11). Synchronous: the in-process apps
// Prevote runs are deterministic state machines, so the consensus core may call them inside a
// step without breaking its purity (same inputs, same outputs, no I/O of its own).
import type { Bytes, Timestamp } from '../types.js';

export interface ValidatorUpdate {
  pubKey: Bytes;
  /** 0 removes the validator. */
  power: bigint;
}

export interface InfoResponse {
  data: string;
  lastBlockHeight: number;
  lastBlockAppHash: Bytes;
}

export interface InitChainRequest {
  time: Timestamp;
  chainId: string;
  initialHeight: number;
  validators: ValidatorUpdate[];
  appStateBytes: Bytes;
}

export interface InitChainResponse {
  appHash: Bytes;
  /** Non-empty replaces the genesis validators. */
  validators: ValidatorUpdate[];
}

export interface BlockContext {
  height: number;
  time: Timestamp;
  proposerAddress: Bytes;
}

export interface ExecTxResult {
  code: number;
  log: string;
}

export interface FinalizeBlockResponse {
  txResults: ExecTxResult[];
  validatorUpdates: ValidatorUpdate[];
  appHash: Bytes;
}

export interface Application {
  info(): InfoResponse;
  initChain(req: InitChainRequest): InitChainResponse;
  checkTx(tx: Bytes): ExecTxResult;
  /** The proposer's chance to reorder, drop or add transactions (within maxTxBytes). */
  prepareProposal(req: BlockContext & { txs: Bytes[]; maxTxBytes: number }): Bytes[];
  /** false = REJECT: the node prevotes nil (spec §4.8). */
  processProposal(req: BlockContext & { txs: Bytes[]; hash: Bytes }): boolean;
  finalizeBlock(req: BlockContext & { txs: Bytes[]; hash: Bytes }): FinalizeBlockResponse;
  /** Persists what finalizeBlock staged. */
  commit(): void;
}
