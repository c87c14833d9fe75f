// A node's home directory, CometBFT-style, and the key files in it:
//   config/genesis.json              the chain (CometBFT's genesis.json)
//   config/node_key.json             the node key: the libp2p identity (peer id) of the node
//   config/priv_validator_key.json   the validator key (absent for a full node)
//   data/priv_validator_state.json   the last-sign state, replaced atomically before a signature leaves
//   data/cs.wal/wal                  the consensus WAL (CometBFT's binary format, fsync'd)
//   data/blocks.log, data/state.json the block store and the chain state
// Keys are CometBFT's JSON: {"type":"tendermint/PrivKeyEd25519","value":base64(seed ‖ pubkey)}.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bytes } from '../core/types.js';
import { bytesEqual, concat, fromBase64, toBase64, toHex } from '../core/bytes.js';
import { publicKeyFromSeed } from '../core/crypto/ed25519.js';
import { addressFromPubKey } from '../core/crypto/address.js';
import { timestampFromMillis } from '../core/time.js';
import { formatGenesis } from '../core/state/genesis.js';
import { UsageError } from './args.js';

export interface HomePaths {
  home: string;
  config: string;
  data: string;
  genesis: string;
  nodeKey: string;
  privValidatorKey: string;
  privValidatorState: string;
  wal: string;
}

export function homePaths(home: string): HomePaths {
  const config = join(home, 'config');
  const data = join(home, 'data');
  return {
    home,
    config,
    data,
    genesis: join(config, 'genesis.json'),
    nodeKey: join(config, 'node_key.json'),
    privValidatorKey: join(config, 'priv_validator_key.json'),
    privValidatorState: join(data, 'priv_validator_state.json'),
    wal: join(data, 'cs.wal', 'wal'),
  };
}

/** A fresh Ed25519 seed (32 bytes) from the OS's CSPRNG. */
export function newSeed(): Bytes {
  return new Uint8Array(randomBytes(32));
}

const privKeyJson = (seed: Bytes) => ({ type: 'tendermint/PrivKeyEd25519', value: toBase64(concat(seed, publicKeyFromSeed(seed))) });
const pubKeyJson = (pubKey: Bytes) => ({ type: 'tendermint/PubKeyEd25519', value: toBase64(pubKey) });

export function nodeKeyJson(seed: Bytes): string {
  return JSON.stringify({ priv_key: privKeyJson(seed) }, null, 2) + '\n';
}

export function privValidatorKeyJson(seed: Bytes): string {
  const pubKey = publicKeyFromSeed(seed);
  return JSON.stringify({ address: toHex(addressFromPubKey(pubKey)).toUpperCase(), pub_key: pubKeyJson(pubKey), priv_key: privKeyJson(seed) }, null, 2) + '\n';
}

/** Reads a file, or null when it does not exist. */
export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/** The seed of a CometBFT private key file (node_key.json or priv_validator_key.json); one-line errors. */
export function parsePrivKeyFile(path: string, text: string): Bytes {
  const bad = (what: string): never => {
    throw new UsageError(`${path}: ${what}`);
  };
  let j: { priv_key?: { type?: unknown; value?: unknown }; pub_key?: { value?: unknown } };
  try {
    j = JSON.parse(text);
  } catch (e) {
    return bad(`not JSON (${(e as Error).message})`);
  }
  const pk = j?.priv_key;
  if (!pk || typeof pk !== 'object') return bad('priv_key missing');
  if (pk.type !== 'tendermint/PrivKeyEd25519' && pk.type !== 'cometbft/PrivKeyEd25519') return bad(`priv_key.type: unsupported key type ${JSON.stringify(pk.type)}`);
  let raw: Bytes;
  try {
    raw = fromBase64(String(pk.value));
  } catch {
    return bad('priv_key.value: not base64');
  }
  if (raw.length !== 64 && raw.length !== 32) return bad(`priv_key.value: an Ed25519 private key has 64 bytes, this one ${raw.length}`);
  const seed = raw.slice(0, 32);
  const pubKey = publicKeyFromSeed(seed);
  if (raw.length === 64 && !bytesEqual(raw.slice(32), pubKey)) bad('priv_key.value: its public half does not match its seed');
  if (j.pub_key && typeof j.pub_key.value === 'string' && j.pub_key.value !== toBase64(pubKey)) bad('pub_key does not match priv_key');
  return seed;
}

/** A genesis.json for validators with equal power, CometBFT's shape. */
export function genesisJson(chainId: string, validators: { pubKey: Bytes; name: string }[], nowMs: number, power = 10): string {
  return formatGenesis({
    genesisTime: timestampFromMillis(nowMs),
    chainId,
    initialHeight: 1,
    consensusParams: { blockMaxBytes: 4194304, blockMaxGas: -1 },
    validators: validators.map((v) => ({ address: addressFromPubKey(v.pubKey), pubKey: v.pubKey, power: BigInt(power), name: v.name })),
    appHash: new Uint8Array(0),
    appState: null,
  });
}
