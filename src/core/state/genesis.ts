// Genesis documents: CometBFT's genesis.json, parsed with a clear error for each bad field.
import type { Bytes, Timestamp } from '../types.js';
import type { ChainState, ConsensusParams } from './chain-state.js';
import { copyChainState, DEFAULT_CONSENSUS_PARAMS } from './chain-state.js';
import { ValidationError } from '../errors.js';
import { fromBase64, fromHex, toBase64, toHex, utf8 } from '../bytes.js';
import { formatRfc3339, parseRfc3339 } from '../time.js';
import { addressFromPubKey } from '../crypto/address.js';
import { ValidatorSet } from '../validators/validator-set.js';
import { nilBlockId } from '../blockid.js';
import { MAX_BLOCK_SIZE_BYTES, MAX_CHAIN_ID_LEN } from '../types.js';

export interface GenesisValidator {
  address: Bytes;
  pubKey: Bytes;
  power: bigint;
  name: string;
}

export interface GenesisDoc {
  genesisTime: Timestamp;
  chainId: string;
  initialHeight: number;
  consensusParams: ConsensusParams;
  validators: GenesisValidator[];
  appHash: Bytes;
  appState: unknown;
}

const bad = (field: string, msg: string) => new ValidationError('ErrBadGenesis', `genesis ${field}: ${msg}`, { field });
/** A value from the file as an error shows it: JSON, cut short (one line stays short). */
const shown = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

function intField(v: unknown, field: string, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && !Number.isSafeInteger(n)) throw bad(field, `${shown(v)} is beyond 2^53 - 1, the largest integer taken here`);
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw bad(field, `expected an integer, got ${shown(v)}`);
  return n;
}

/** Parses a genesis.json text or object. Throws ValidationError naming the field at fault. */
export function parseGenesis(input: string | unknown): GenesisDoc {
  let doc: Record<string, unknown>;
  try {
    doc = (typeof input === 'string' ? JSON.parse(input) : input) as Record<string, unknown>;
  } catch (e) {
    throw new ValidationError('ErrBadGenesis', `genesis is not JSON: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw bad('(root)', 'expected an object');
  const chainId = doc.chain_id;
  if (chainId === undefined || chainId === '') throw bad('chain_id', 'missing');
  if (typeof chainId !== 'string') throw bad('chain_id', `expected a string, got ${shown(chainId)}`);
  if (utf8(chainId).length > MAX_CHAIN_ID_LEN) throw bad('chain_id', `longer than ${MAX_CHAIN_ID_LEN} bytes`);
  if (typeof doc.genesis_time !== 'string') throw bad('genesis_time', 'missing');
  let genesisTime: Timestamp;
  try {
    genesisTime = parseRfc3339(doc.genesis_time);
  } catch (e) {
    throw bad('genesis_time', (e as Error).message);
  }
  const initialHeight = intField(doc.initial_height, 'initial_height', 1);
  if (initialHeight < 1) throw bad('initial_height', 'must be at least 1');
  const cp = (doc.consensus_params ?? {}) as { block?: { max_bytes?: unknown; max_gas?: unknown } };
  if (typeof cp !== 'object' || Array.isArray(cp)) throw bad('consensus_params', `expected an object, got ${shown(cp)}`);
  if (cp.block !== undefined && (typeof cp.block !== 'object' || cp.block === null || Array.isArray(cp.block))) throw bad('consensus_params.block', `expected an object, got ${shown(cp.block)}`);
  const consensusParams: ConsensusParams = {
    blockMaxBytes: intField(cp.block?.max_bytes, 'consensus_params.block.max_bytes', DEFAULT_CONSENSUS_PARAMS.blockMaxBytes),
    blockMaxGas: intField(cp.block?.max_gas, 'consensus_params.block.max_gas', DEFAULT_CONSENSUS_PARAMS.blockMaxGas),
  };
  // CometBFT's ConsensusParams.ValidateBasic: a chain with other values could never make a block
  const maxBytes = consensusParams.blockMaxBytes;
  if (maxBytes !== -1 && (maxBytes < 1 || maxBytes > MAX_BLOCK_SIZE_BYTES)) throw bad('consensus_params.block.max_bytes', `-1 or from 1 to ${MAX_BLOCK_SIZE_BYTES}, got ${maxBytes}`);
  if (consensusParams.blockMaxGas < -1) throw bad('consensus_params.block.max_gas', `-1 (no limit) or more, got ${consensusParams.blockMaxGas}`);
  const rawVals = doc.validators ?? [];
  if (!Array.isArray(rawVals)) throw bad('validators', 'expected an array');
  const validators = rawVals.map((v: Record<string, any>, i): GenesisValidator => {
    const f = `validators[${i}]`;
    if (!v || typeof v !== 'object') throw bad(f, 'expected an object');
    const pk = v.pub_key;
    if (!pk || typeof pk.value !== 'string') throw bad(`${f}.pub_key`, 'missing');
    if (pk.type !== 'tendermint/PubKeyEd25519' && pk.type !== 'cometbft/PubKeyEd25519') throw bad(`${f}.pub_key.type`, `unsupported key type ${shown(pk.type)}`);
    let pubKey: Bytes;
    try {
      pubKey = fromBase64(pk.value);
    } catch (e) {
      throw bad(`${f}.pub_key.value`, `not base64 (${(e as Error).message})`);
    }
    if (pubKey.length !== 32) throw bad(`${f}.pub_key.value`, 'an Ed25519 key has 32 bytes');
    const power = BigInt(intField(v.power, `${f}.power`));
    if (power <= 0n) throw bad(`${f}.power`, 'must be positive');
    const address = addressFromPubKey(pubKey);
    if (typeof v.address === 'string' && v.address !== '' && v.address.toLowerCase() !== toHexLower(address)) {
      throw bad(`${f}.address`, 'does not match the public key');
    }
    return { address, pubKey, power, name: typeof v.name === 'string' ? v.name : '' };
  });
  if (doc.app_hash !== undefined && doc.app_hash !== null && (typeof doc.app_hash !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(doc.app_hash))) {
    throw bad('app_hash', `expected hex, got ${shown(doc.app_hash)}`);
  }
  const appHash = typeof doc.app_hash === 'string' && doc.app_hash ? fromHex(doc.app_hash) : new Uint8Array(0);
  return { genesisTime, chainId, initialHeight, consensusParams, validators, appHash, appState: doc.app_state ?? null };
}

/** The document as CometBFT's genesis.json (what parseGenesis reads back). */
export function formatGenesis(g: GenesisDoc): string {
  const doc: Record<string, unknown> = {
    genesis_time: formatRfc3339(g.genesisTime),
    chain_id: g.chainId,
    initial_height: String(g.initialHeight),
    consensus_params: { block: { max_bytes: String(g.consensusParams.blockMaxBytes), max_gas: String(g.consensusParams.blockMaxGas) } },
    validators: g.validators.map((v) => ({
      address: toHex(v.address).toUpperCase(),
      pub_key: { type: 'tendermint/PubKeyEd25519', value: toBase64(v.pubKey) },
      power: String(v.power),
      name: v.name,
    })),
    app_hash: toHex(g.appHash).toUpperCase(),
  };
  if (g.appState !== null) doc.app_state = g.appState;
  return JSON.stringify(doc, null, 2) + '\n';
}

function toHexLower(b: Bytes): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * Genesis states made so far, by document: a simulation starts all its nodes from one document,
 * and the proposer-priority setup is O(N) BigInt work per validator set (at 100 validators, 100
 * nodes made it 100 times: 90 ms before the first step). Each caller gets a state of its own,
 * sharing the sets (they never change: ValidatorSet).
 */
const made = new WeakMap<GenesisDoc, ChainState>();

/** MakeGenesisState: validators for the first height and the next one (spec §5.2). */
export function genesisState(g: GenesisDoc): ChainState {
  let s = made.get(g);
  if (!s) {
    if (g.validators.length === 0) throw bad('validators', 'a chain needs at least one validator (InitChain may not supply them here)');
    const validators = ValidatorSet.create(g.validators.map((v) => ({ address: v.address, pubKey: v.pubKey, votingPower: v.power })));
    s = {
      chainId: g.chainId,
      initialHeight: g.initialHeight,
      lastBlockHeight: 0,
      lastBlockId: nilBlockId(),
      lastBlockTime: g.genesisTime,
      validators,
      nextValidators: validators.copyIncrementProposerPriority(1),
      lastValidators: null,
      consensusParams: g.consensusParams,
      lastResultsHash: new Uint8Array(0),
      appHash: g.appHash,
    };
    made.set(g, s);
  }
  return copyChainState(s);
}
