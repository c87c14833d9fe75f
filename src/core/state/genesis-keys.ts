// Validator public keys from the genesis files people actually have: CometBFT's `validators`
// (tendermint/PubKeyEd25519, base64), Tendermint v0.10's (ed25519, hex), and a Cosmos SDK chain's
// gen_txs (MsgCreateValidator pubkeys), which is where many chains keep them.
import type { Bytes } from '../types.js';
import { fromBase64, fromHex } from '../bytes.js';
import { ValidationError } from '../errors.js';

export interface GenesisKeys {
  chainId: string | null;
  keys: { pubKey: Bytes; name: string; source: 'validators' | 'gen_txs' }[];
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function keyOf(pk: any): Bytes | null {
  if (!pk || typeof pk !== 'object') return null;
  if (typeof pk.value === 'string' && /ed25519/i.test(String(pk.type))) return fromBase64(pk.value);
  if (typeof pk.data === 'string' && /ed25519/i.test(String(pk.type))) return fromHex(pk.data);
  if (typeof pk.key === 'string' && /ed25519/i.test(String(pk['@type']))) return fromBase64(pk.key);
  return null;
}

export function genesisValidatorKeys(text: string): GenesisKeys {
  let g: any;
  try {
    g = JSON.parse(text);
  } catch (e) {
    throw new ValidationError('ErrGenesisJson', `genesis is not JSON: ${(e as Error).message}`);
  }
  const out: GenesisKeys = { chainId: typeof g?.chain_id === 'string' ? g.chain_id : null, keys: [] };
  for (const [i, v] of (Array.isArray(g?.validators) ? g.validators : []).entries()) {
    const pubKey = keyOf(v?.pub_key);
    if (pubKey?.length === 32) out.keys.push({ pubKey, name: String(v.name || `validator ${i}`), source: 'validators' });
  }
  const genTxs = g?.app_state?.genutil?.gen_txs;
  for (const tx of Array.isArray(genTxs) ? genTxs : []) {
    for (const m of tx?.body?.messages ?? []) {
      const pubKey = keyOf(m?.pubkey);
      if (pubKey?.length === 32) out.keys.push({ pubKey, name: String(m?.description?.moniker || m?.validator_address || 'gen_tx'), source: 'gen_txs' });
    }
  }
  return out;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
