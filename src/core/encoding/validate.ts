// ValidateBasic for the types that arrive from peers ([CMT], spec §1.3–§1.5, §8.3). Each check
// throws a ValidationError naming the field, so a reactor can log it and drop the peer.
import type { BlockID, Part, PartSetHeader, Proposal, Timestamp, Vote } from '../types.js';
import {
  ADDRESS_SIZE,
  BLOCK_PART_SIZE_BYTES,
  HASH_SIZE,
  MAX_BLOCK_PARTS_COUNT,
  MAX_SIGNATURE_SIZE,
  SignedMsgType,
  isVoteType,
} from '../types.js';
import { isCompleteBlockId, isNilBlockId } from '../blockid.js';
import { ValidationError } from '../errors.js';
import { proofProblem } from '../crypto/merkle.js';

function fail(what: string, message: string, field: string): never {
  throw new ValidationError('ErrValidateBasic', `${what}: ${message}`, { what, field });
}

export function validatePartSetHeader(h: PartSetHeader, what = 'PartSetHeader'): void {
  if (h.total > MAX_BLOCK_PARTS_COUNT) fail(what, `total ${h.total} exceeds ${MAX_BLOCK_PARTS_COUNT}`, 'total');
  if (h.hash.length !== 0 && h.hash.length !== HASH_SIZE) fail(what, `hash is ${h.hash.length} bytes, want ${HASH_SIZE}`, 'hash');
}

export function validateBlockId(id: BlockID, what = 'BlockID'): void {
  if (id.hash.length !== 0 && id.hash.length !== HASH_SIZE) fail(what, `hash is ${id.hash.length} bytes, want ${HASH_SIZE}`, 'hash');
  validatePartSetHeader(id.partSetHeader, `${what}.PartSetHeader`);
}

function validateTimestamp(t: Timestamp, what: string): void {
  if (t.nanos < 0 || t.nanos > 999_999_999) fail(what, `timestamp nanos ${t.nanos} out of range`, 'timestamp');
}

function validateSignature(sig: Uint8Array, what: string): void {
  if (sig.length === 0) fail(what, 'signature is missing', 'signature');
  if (sig.length > MAX_SIGNATURE_SIZE) fail(what, `signature is ${sig.length} bytes, at most ${MAX_SIGNATURE_SIZE}`, 'signature');
}

export function validateVote(v: Vote): void {
  if (!isVoteType(v.type)) fail('Vote', `invalid type ${v.type}`, 'type');
  if (v.height <= 0) fail('Vote', `height ${v.height} must be positive`, 'height');
  if (v.round < 0) fail('Vote', `negative round ${v.round}`, 'round');
  validateBlockId(v.blockId, 'Vote.BlockID');
  if (!isNilBlockId(v.blockId) && !isCompleteBlockId(v.blockId)) fail('Vote', 'BlockID must be nil or complete', 'blockId');
  if (v.validatorAddress.length !== ADDRESS_SIZE) fail('Vote', `address is ${v.validatorAddress.length} bytes, want ${ADDRESS_SIZE}`, 'validatorAddress');
  if (v.validatorIndex < 0) fail('Vote', `negative validator index ${v.validatorIndex}`, 'validatorIndex');
  validateTimestamp(v.timestamp, 'Vote');
  validateSignature(v.signature, 'Vote');
  const extensible = v.type === SignedMsgType.Precommit && !isNilBlockId(v.blockId);
  if (!extensible && (v.extension.length > 0 || v.extensionSignature.length > 0)) {
    fail('Vote', 'extensions are only allowed on non-nil precommits', 'extension');
  }
  if (v.extension.length > 0 && v.extensionSignature.length === 0) fail('Vote', 'extension without a signature', 'extensionSignature');
  if (v.extensionSignature.length > MAX_SIGNATURE_SIZE) fail('Vote', 'extension signature too big', 'extensionSignature');
}

export function validateProposal(p: Proposal): void {
  if (p.type !== SignedMsgType.Proposal) fail('Proposal', `invalid type ${p.type}`, 'type');
  if (p.height <= 0) fail('Proposal', `height ${p.height} must be positive`, 'height');
  if (p.round < 0) fail('Proposal', `negative round ${p.round}`, 'round');
  if (p.polRound < -1 || p.polRound >= p.round) fail('Proposal', `POLRound ${p.polRound} must be -1 or in [0, ${p.round})`, 'polRound');
  validateBlockId(p.blockId, 'Proposal.BlockID');
  if (!isCompleteBlockId(p.blockId)) fail('Proposal', 'BlockID must be complete', 'blockId');
  validateTimestamp(p.timestamp, 'Proposal');
  validateSignature(p.signature, 'Proposal');
}

/** Part.ValidateBasic: size bound and the proof's shape; exact size is checked against the header in PartSet. */
export function validatePart(p: Part): void {
  if (p.bytes.length > BLOCK_PART_SIZE_BYTES) {
    throw new ValidationError('ErrPartTooBig', `part is ${p.bytes.length} bytes, at most ${BLOCK_PART_SIZE_BYTES}`, { what: 'Part', field: 'bytes' });
  }
  if (p.index !== p.proof.index) fail('Part', `part index ${p.index} != proof index ${p.proof.index}`, 'index');
  if (p.proof.total > 0 && p.index < p.proof.total - 1 && p.bytes.length !== BLOCK_PART_SIZE_BYTES) {
    throw new ValidationError('ErrPartInvalidSize', `inner part ${p.index} is ${p.bytes.length} bytes, want ${BLOCK_PART_SIZE_BYTES}`, {
      what: 'Part',
      field: 'bytes',
    });
  }
  const problem = proofProblem(p.proof);
  if (problem) fail('Part', `wrong Proof: ${problem}`, 'proof');
}
