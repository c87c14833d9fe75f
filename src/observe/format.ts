// Display strings made from the observation model, in one place for every view: CometBFT's
// bit-array form, short BlockIDs and hashes, and one readable line per event (the same line the
// simulator CLI prints with --events).
import type { Bits, BlockIdHex, ObsEvent } from './model.js';
import { BitArray } from '../core/bits/bit-array.js';

/** CometBFT's form: `BA{5:x_xx_}`, 100 bits per line, as BitArray prints it. */
export function bitArrayString(b: Bits): string {
  return BitArray.fromIndices(b.size, b.indices).toString();
}

export const isNil = (id: BlockIdHex): boolean => id.hash === '' && id.partSetHeader.total === 0 && id.partSetHeader.hash === '';

/** The first 6 bytes of a hash, upper case (CometBFT's fingerprint). */
export const shortHash = (hex: string): string => hex.slice(0, 12).toUpperCase();

/** CometBFT's short BlockID, e.g. `8B0102338:1:72DB3D959635`, or `nil`. */
export function blockIdShort(id: BlockIdHex): string {
  if (isNil(id)) return 'nil';
  // a Tendermint v0.10 proposal names its parts only, no block hash (the record list says so too)
  return `${id.hash === '' ? '(v0.10: no hash)' : shortHash(id.hash)}:${id.partSetHeader.total}:${shortHash(id.partSetHeader.hash)}`;
}

/** The block an event is about, if any (a vote's, a polka's, a commit's…). */
export function blockOf(e: ObsEvent): BlockIdHex | undefined {
  switch (e.type) {
    case 'Vote':
      return e.vote.blockId;
    case 'ProposalAccepted':
      return e.proposal.blockId;
    case 'NewBlock':
    case 'Polka':
    case 'Lock':
    case 'Relock':
    case 'CompleteProposal':
    case 'ValidBlock':
      return e.blockId;
    default:
      return undefined;
  }
}

/** How a view names a validator of the set (by its address and index); the CLI's default is `v{index}`. */
export type ValidatorNamer = (address: string, index: number) => string;
const byIndex: ValidatorNamer = (_address, index) => `v${index}`;

/** One readable line, as the CLI prints it; a view may name validators after their nodes (`who`). */
export function eventLine(e: ObsEvent, who: ValidatorNamer = byIndex): string {
  const head = `${e.time} ${e.node} ${e.height}/${e.round}/${e.step} ${e.type}`;
  switch (e.type) {
    case 'Vote':
      return `${head} ${e.vote.type} ${e.vote.height}/${e.vote.round} ${who(e.vote.validatorAddress, e.vote.validatorIndex)} ${blockIdShort(e.vote.blockId)}`;
    case 'NewBlock':
      return `${head} ${e.blockHeight} ${blockIdShort(e.blockId)} r${e.commitRound} txs=${e.txs}`;
    case 'Polka':
    case 'Lock':
    case 'Relock':
    case 'CompleteProposal':
      return `${head} ${blockIdShort(e.blockId)}`;
    case 'ValidBlock':
      return `${head} ${blockIdShort(e.blockId)}${e.isCommit ? ' commit' : ''}`;
    case 'ProposalAccepted':
      return `${head} ${e.proposal.height}/${e.proposal.round} pol=${e.proposal.polRound} ${blockIdShort(e.proposal.blockId)}`;
    case 'BlockPartAdded':
      return `${head} ${e.partHeight}/${e.partRound}#${e.index}`;
    case 'Rejected':
      return `${head} ${e.what}: ${e.reason} from '${e.peer}'`;
    case 'Evidence':
      return `${head} ${who(e.validatorAddress, e.validatorIndex)} ${e.voteHeight}/${e.voteRound}`;
    case 'TimeoutWait':
      return `${head} ${e.waitStep}`;
    case 'NewRound':
      return `${head} proposer=${who === byIndex ? e.proposer.slice(0, 12) : who(e.proposer, -1)}`;
    case 'Timeout':
      return `${head} ${e.timeoutStep} ${e.duration}ms`;
    case 'EndHeight':
      return `${head} ${e.endHeight}`;
    default:
      return head;
  }
}
