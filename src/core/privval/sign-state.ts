// The PrivValidator's double-sign rule (spec §12.2), pure: given the last signed
// (height, round, step, sign bytes) and a request, decide to sign, to hand back the earlier
// signature, or to refuse. The driver persists the new state before releasing a signature.
import type { Bytes, Timestamp } from '../types.js';
import { SignedMsgType } from '../types.js';
import { bytesEqual } from '../bytes.js';
import { SignRefusedError } from '../errors.js';
import type { SignBytesKind } from '../encoding/sign-bytes.js';
import { signBytesDifferOnlyByTimestamp, signBytesTimestamp } from '../encoding/sign-bytes.js';

/** Privval steps: distinct from RoundStepType. */
export enum SignStep {
  None = 0,
  Propose = 1,
  Prevote = 2,
  Precommit = 3,
}

export function signStepOf(type: SignedMsgType): SignStep {
  if (type === SignedMsgType.Proposal) return SignStep.Propose;
  if (type === SignedMsgType.Prevote) return SignStep.Prevote;
  if (type === SignedMsgType.Precommit) return SignStep.Precommit;
  throw new SignRefusedError('ErrUnknownSignedType', `cannot sign message type ${type}`);
}

export interface LastSignState {
  height: number;
  round: number;
  step: SignStep;
  signature: Bytes;
  signBytes: Bytes;
}

export const EMPTY_SIGN_STATE: LastSignState = { height: 0, round: 0, step: SignStep.None, signature: new Uint8Array(0), signBytes: new Uint8Array(0) };

export type SignPlan =
  | { kind: 'sign' }
  /** Same message already signed: reuse its signature (and its timestamp, which the caller must adopt). */
  | { kind: 'reuse'; signature: Bytes; timestamp: Timestamp };

function refuse(code: string, message: string, h: number, r: number, s: SignStep): never {
  throw new SignRefusedError(code, message, { height: h, round: r, step: s });
}

/** CheckHRS: true when (h, r, s) equals the last signed one, false when it is newer; throws on regression. */
export function checkHRS(last: LastSignState, h: number, r: number, s: SignStep): boolean {
  if (last.height > h) refuse('ErrHeightRegression', `height regression. Got ${h}, last height ${last.height}`, h, r, s);
  if (last.height < h) return false;
  if (last.round > r) refuse('ErrRoundRegression', `round regression at height ${h}. Got ${r}, last round ${last.round}`, h, r, s);
  if (last.round < r) return false;
  if (last.step > s) refuse('ErrStepRegression', `step regression at height ${h} round ${r}. Got ${s}, last step ${last.step}`, h, r, s);
  if (last.step < s) return false;
  if (last.signBytes.length === 0) refuse('ErrNoSignBytes', 'no SignBytes found', h, r, s);
  return true;
}

export function planSign(last: LastSignState, h: number, r: number, s: SignStep, signBytes: Bytes, kind: SignBytesKind): SignPlan {
  if (!checkHRS(last, h, r, s)) return { kind: 'sign' };
  if (bytesEqual(signBytes, last.signBytes)) return { kind: 'reuse', signature: last.signature, timestamp: signBytesTimestamp(last.signBytes, kind) };
  if (signBytesDifferOnlyByTimestamp(last.signBytes, signBytes, kind)) {
    return { kind: 'reuse', signature: last.signature, timestamp: signBytesTimestamp(last.signBytes, kind) };
  }
  return refuse('ErrConflictingData', `conflicting data at ${h}/${r}/${s}`, h, r, s);
}
