// The prevote decision of CometBFT v1 (spec §4.8 "doPrevote — [CMT]", paper lines 22–33).
// Returns the BlockID to prevote for, or null for a nil prevote.
import type { BlockID } from '../types.js';
import type { HashedBlock, RoundState } from './round-state.js';
import { hashesTo, isNilBlockId } from '../blockid.js';

export interface PrevoteChecks {
  /** validateBlock against the chain state: a reason when invalid, null when valid. */
  validate(block: HashedBlock): string | null;
  /** ABCI ProcessProposal: false = REJECT. */
  processProposal(block: HashedBlock): boolean;
}

export function decidePrevote(rs: RoundState, round: number, checks: PrevoteChecks): BlockID | null {
  const { proposal, proposalBlock: block, proposalBlockParts: parts } = rs;
  if (!proposal || !block || !parts) return null;
  if (checks.validate(block) !== null) return null;
  const vote: BlockID = { hash: block.hash, partSetHeader: parts.header() };

  if (proposal.polRound === -1) {
    // Line 22: a fresh proposal.
    if (rs.lockedRound === -1) {
      // Already app-validated when it became our ValidBlock; otherwise ask the app once.
      if (rs.validRound !== -1 && hashesTo(rs.validBlock?.hash, block.hash)) return vote;
      return checks.processProposal(block) ? vote : null;
    }
    return hashesTo(rs.lockedBlock?.hash, block.hash) ? vote : null;
  }

  // Line 28: a re-proposal justified by a polka at vr < round. No ProcessProposal here: a correct
  // node validated the block at vr.
  const vr = proposal.polRound;
  const polka = rs.votes.prevotes(vr)?.twoThirdsMajority() ?? null;
  if (!polka || isNilBlockId(polka) || !hashesTo(block.hash, polka.hash) || vr >= round) return null;
  if (rs.lockedRound < vr) return vote;
  if (hashesTo(rs.lockedBlock?.hash, block.hash)) return vote;
  // Two polkas at the locked round need ≥ 1/3 equivocation (cometbft #1309): follow the proposal.
  if (rs.lockedRound === vr) return vote;
  return null;
}
