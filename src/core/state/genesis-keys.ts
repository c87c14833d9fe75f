// Validator public keys from the genesis files people actually have: CometBFT's `validators`
// (tendermint/PubKeyEd25519, base64), Tendermint v0.10's (ed25519, hex), and a Cosmos SDK chain's
// gen_txs (MsgCreateValidator pubkeys), which is where many chains keep them.
// Keys of other types (secp256k1…) are skipped; a malformed Ed25519 key or a list that is not a
// list is a ValidationError naming the field (`validators[2].pub_key.value: not base64 (…)`).
import type { Bytes } from '../types.js';
import { fromBase64, fromHex } from '../bytes.js';
import { ValidationError } from '../errors.js';

export interface GenesisKeys {
  chainId: string | null;
  keys: { pubKey: Bytes; name: string; source: 'validators' | 'gen_txs' }[];
}

const bad = (field: string, msg: string) => new ValidationError('ErrBadGenesis', `${field}: ${msg}`, { field });

function decode(field: string, s: string, how: 'base64' | 'hex'): Bytes {
  let b: Bytes;
  try {
    if (how === 'hex' && !/^([0-9a-fA-F]{2})*$/.test(s)) throw new Error('odd length or a character that is not a hex digit');
    b = how === 'base64' ? fromBase64(s) : fromHex(s);
  } catch (e) {
    throw bad(field, `not ${how} (${(e as Error).message})`);
  }
  if (b.length !== 32) throw bad(field, `an Ed25519 public key has 32 bytes, this one ${b.length}`);
  return b;
}

/** A field that should be text, as text: a file's JSON may hold anything there (String() of an object whose toString is not a function throws). */
const textOf = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const isEd25519 = (type: unknown) => /ed25519/i.test(textOf(type));

/* eslint-disable @typescript-eslint/no-explicit-any */
function keyOf(pk: any, field: string): Bytes | null {
  if (!pk || typeof pk !== 'object') return null;
  if (typeof pk.value === 'string' && isEd25519(pk.type)) return decode(`${field}.value`, pk.value, 'base64');
  if (typeof pk.data === 'string' && isEd25519(pk.type)) return decode(`${field}.data`, pk.data, 'hex');
  if (typeof pk.key === 'string' && isEd25519(pk['@type'])) return decode(`${field}.key`, pk.key, 'base64');
  return null;
}

function list(v: unknown, field: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(field, `expected a list, got ${typeof v === 'object' ? 'an object' : JSON.stringify(v)}`);
  return v;
}

export function genesisValidatorKeys(text: string): GenesisKeys {
  let g: any;
  try {
    g = JSON.parse(text);
  } catch (e) {
    throw new ValidationError('ErrGenesisJson', `not JSON (${(e as Error).message})`);
  }
  if (!g || typeof g !== 'object' || Array.isArray(g)) throw bad('(root)', 'expected a JSON object');
  const out: GenesisKeys = { chainId: typeof g.chain_id === 'string' ? g.chain_id : null, keys: [] };
  for (const [i, v] of list(g.validators, 'validators').entries() as IterableIterator<[number, any]>) {
    const pubKey = keyOf(v?.pub_key, `validators[${i}].pub_key`);
    if (pubKey) out.keys.push({ pubKey, name: textOf(v.name) || `validator ${i}`, source: 'validators' });
  }
  const path = 'app_state.genutil.gen_txs';
  for (const [t, tx] of list(g.app_state?.genutil?.gen_txs, path).entries() as IterableIterator<[number, any]>) {
    const field = `${path}[${t}].body.messages`;
    for (const [i, m] of list(tx?.body?.messages, field).entries() as IterableIterator<[number, any]>) {
      const pubKey = keyOf(m?.pubkey, `${field}[${i}].pubkey`);
      if (pubKey) out.keys.push({ pubKey, name: textOf(m?.description?.moniker) || textOf(m?.validator_address) || 'gen_tx', source: 'gen_txs' });
    }
  }
  return out;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
