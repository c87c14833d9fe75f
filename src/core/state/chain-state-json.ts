// ChainState as JSON for the state stores (files, IndexedDB): bytes as hex, powers and
// priorities as decimal strings (int64), so a stored state reloads bit for bit. Reading checks
// every field and fails with a ValidationError naming it: a damaged state must stop a start.
import type { Bytes } from '../types.js';
import { fromHex, toHex } from '../bytes.js';
import { ValidationError } from '../errors.js';
import { ValidatorSet } from '../validators/validator-set.js';
import type { ChainState } from './chain-state.js';

interface ValidatorSetJson {
  proposer: string | null;
  validators: { address: string; pubKey: string; power: string; priority: string }[];
}

const setToJson = (s: ValidatorSet): ValidatorSetJson => ({
  proposer: s.size ? toHex(s.getProposer().address) : null,
  validators: s.validators.map((v) => ({ address: toHex(v.address), pubKey: toHex(v.pubKey), power: v.votingPower.toString(), priority: v.proposerPriority.toString() })),
});

/** One validator set as JSON (the state stores keep the set of every height beside the state). */
export const validatorSetToJson = (s: ValidatorSet): string => JSON.stringify(setToJson(s));

/* eslint-disable @typescript-eslint/no-explicit-any */
const bad = (field: string): never => {
  throw new ValidationError('ErrStateField', `stored state: bad ${field}`, { field });
};
const hex = (v: unknown, field: string): Bytes => (typeof v === 'string' && /^([0-9a-f]{2})*$/.test(v) ? fromHex(v) : bad(field));
const big = (v: unknown, field: string) => (typeof v === 'string' && /^-?\d+$/.test(v) ? BigInt(v) : bad(field));
const setFromJson = (v: any, field: string): ValidatorSet => {
  if (!v || !Array.isArray(v.validators)) bad(field);
  const vals = v.validators.map((x: any, i: number) => ({
    address: hex(x?.address, `${field}[${i}].address`),
    pubKey: hex(x?.pubKey, `${field}[${i}].pubKey`),
    votingPower: big(x?.power, `${field}[${i}].power`),
    proposerPriority: big(x?.priority, `${field}[${i}].priority`),
  }));
  return ValidatorSet.fromValidators(vals, v.proposer ? hex(v.proposer, `${field}.proposer`) : undefined);
};

export function validatorSetFromJson(text: string): ValidatorSet {
  let j: any;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new ValidationError('ErrStateJson', `stored validator set is not JSON: ${(e as Error).message}`);
  }
  return setFromJson(j, 'validators');
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export function chainStateToJson(s: ChainState): string {
  return JSON.stringify({
    version: 1,
    chainId: s.chainId,
    initialHeight: s.initialHeight,
    lastBlockHeight: s.lastBlockHeight,
    lastBlockId: { hash: toHex(s.lastBlockId.hash), total: s.lastBlockId.partSetHeader.total, partsHash: toHex(s.lastBlockId.partSetHeader.hash) },
    lastBlockTime: s.lastBlockTime,
    validators: setToJson(s.validators),
    nextValidators: setToJson(s.nextValidators),
    lastValidators: s.lastValidators ? setToJson(s.lastValidators) : null,
    consensusParams: s.consensusParams,
    lastResultsHash: toHex(s.lastResultsHash),
    appHash: toHex(s.appHash),
  });
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export function chainStateFromJson(text: string): ChainState {
  let j: any;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new ValidationError('ErrStateJson', `stored state is not JSON: ${(e as Error).message}`);
  }
  const int = (v: unknown, field: string) => (Number.isSafeInteger(v) ? (v as number) : bad(field));
  const set = setFromJson;
  if (j?.version !== 1) bad('version');
  if (typeof j.chainId !== 'string') bad('chainId');
  const t = j.lastBlockTime;
  if (!t || !Number.isSafeInteger(t.seconds) || !Number.isSafeInteger(t.nanos)) bad('lastBlockTime');
  const cp = j.consensusParams;
  return {
    chainId: j.chainId,
    initialHeight: int(j.initialHeight, 'initialHeight'),
    lastBlockHeight: int(j.lastBlockHeight, 'lastBlockHeight'),
    lastBlockId: { hash: hex(j.lastBlockId?.hash, 'lastBlockId.hash'), partSetHeader: { total: int(j.lastBlockId?.total, 'lastBlockId.total'), hash: hex(j.lastBlockId?.partsHash, 'lastBlockId.partsHash') } },
    lastBlockTime: { seconds: t.seconds, nanos: t.nanos },
    validators: set(j.validators, 'validators'),
    nextValidators: set(j.nextValidators, 'nextValidators'),
    lastValidators: j.lastValidators === null ? null : set(j.lastValidators, 'lastValidators'),
    consensusParams: { blockMaxBytes: int(cp?.blockMaxBytes, 'consensusParams.blockMaxBytes'), blockMaxGas: int(cp?.blockMaxGas, 'consensusParams.blockMaxGas') },
    lastResultsHash: hex(j.lastResultsHash, 'lastResultsHash'),
    appHash: hex(j.appHash, 'appHash'),
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
