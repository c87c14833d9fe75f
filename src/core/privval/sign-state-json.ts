// The PrivValidator's last-sign state in CometBFT's priv_validator_state.json form:
// {"height":"10","round":1,"step":2,"signature":"<base64>","signbytes":"<HEX>"}. An unreadable
// record is an error, never an empty state: starting from nothing could sign twice (D-13).
import { fromBase64, fromHex, toBase64, toHex } from '../bytes.js';
import { ValidationError } from '../errors.js';
import type { LastSignState } from './sign-state.js';

export function signStateToJson(s: LastSignState): string {
  const out: Record<string, unknown> = { height: String(s.height), round: s.round, step: s.step };
  if (s.signature.length) out.signature = toBase64(s.signature);
  if (s.signBytes.length) out.signbytes = toHex(s.signBytes).toUpperCase();
  return JSON.stringify(out, null, 2);
}

export function signStateFromJson(text: string): LastSignState {
  const bad = (what: string): never => {
    throw new ValidationError('ErrPrivValidatorState', `priv_validator_state: ${what}`);
  };
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text);
  } catch (e) {
    return bad(`not JSON (${(e as Error).message})`);
  }
  const height = typeof j.height === 'string' && /^\d+$/.test(j.height) ? Number(j.height) : bad('height');
  const round = Number.isSafeInteger(j.round) && (j.round as number) >= 0 ? (j.round as number) : bad('round');
  const step = [0, 1, 2, 3].includes(j.step as number) ? (j.step as number) : bad('step');
  let signature: Uint8Array = new Uint8Array(0);
  let signBytes: Uint8Array = new Uint8Array(0);
  try {
    if (j.signature !== undefined) signature = fromBase64(String(j.signature));
    if (j.signbytes !== undefined) signBytes = fromHex(String(j.signbytes));
  } catch {
    bad('signature or signbytes');
  }
  if (height > 0 && step > 0 && signBytes.length === 0) bad('a signed step without signbytes');
  return { height, round, step, signature, signBytes };
}
