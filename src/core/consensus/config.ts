// Consensus configuration (spec §6.1) and the per-round timeout formulas.

export interface ConsensusConfig {
  timeoutPropose: number; // ms
  timeoutProposeDelta: number;
  timeoutPrevote: number;
  timeoutPrevoteDelta: number;
  timeoutPrecommit: number;
  timeoutPrecommitDelta: number;
  /** NewHeight wait after a commit; 0 also means "skip it once all precommits are in" ([CMT]). */
  timeoutCommit: number;
  skipTimeoutCommit: boolean;
  createEmptyBlocks: boolean;
  createEmptyBlocksInterval: number; // ms; 0 = off
  /** Upper bound of txs bytes per block, before the app's PrepareProposal. */
  maxBlockTxBytes: number;
}

/** CometBFT's defaults (spec §6.1). */
export const DEFAULT_CONSENSUS_CONFIG: Readonly<ConsensusConfig> = Object.freeze({
  timeoutPropose: 3000,
  timeoutProposeDelta: 500,
  timeoutPrevote: 1000,
  timeoutPrevoteDelta: 500,
  timeoutPrecommit: 1000,
  timeoutPrecommitDelta: 500,
  timeoutCommit: 1000,
  skipTimeoutCommit: false,
  createEmptyBlocks: true,
  createEmptyBlocksInterval: 0,
  maxBlockTxBytes: 1024 * 1024,
});

export function timeoutPropose(c: ConsensusConfig, round: number): number {
  return c.timeoutPropose + round * c.timeoutProposeDelta;
}

export function timeoutPrevote(c: ConsensusConfig, round: number): number {
  return c.timeoutPrevote + round * c.timeoutPrevoteDelta;
}

export function timeoutPrecommit(c: ConsensusConfig, round: number): number {
  return c.timeoutPrecommit + round * c.timeoutPrecommitDelta;
}

/** config.waitForTxs() (spec §4.4). */
export function waitForTxs(c: ConsensusConfig): boolean {
  return !c.createEmptyBlocks || c.createEmptyBlocksInterval > 0;
}

/** [CMT] skip_timeout_commit is deprecated in favour of timeout_commit = 0 (spec §14 item 12). */
export function skipsTimeoutCommit(c: ConsensusConfig): boolean {
  return c.skipTimeoutCommit || c.timeoutCommit === 0;
}
