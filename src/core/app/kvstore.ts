// The in-process kvstore application (spec §11.4, [CMT] rules):
// - `key=value` stores a pair; CheckTx refuses anything else;
// - `val:<base64 pubkey>!<power>[!<nonce>]` changes a validator (power 0 removes it; the nonce, any
//   number, only makes a repeated update a new tx: mempools refuse a tx they saw committed, so a
//   tab that joins, is removed and joins again would send the very bytes of its first join); the update takes
//   effect at height H+2, like every ABCI validator update in CometBFT; an update that would
//   leave the genesis validators with 2/3 of the power or less is refused (code 3), so validators
//   that join later (browser tabs) can come and go without ever halting the chain;
// - app hash = 8 bytes, the zig-zag varint of the number of applied txs at offset 0
//   (vectors.json kvstore_app_hash_derived), so every node computes it identically.
import type { Application, ExecTxResult, FinalizeBlockResponse, InfoResponse, ValidatorUpdate } from './application.js';
import type { Bytes } from '../types.js';
import { decodeUtf8, fromBase64, toBase64, toHex, utf8 } from '../bytes.js';

const VALIDATOR_PREFIX = 'val:';
const TWO_THIRDS_REFUSAL = 'refused: the genesis validators must keep more than 2/3 of the voting power';

export function kvstoreAppHash(size: number): Uint8Array {
  const out = new Uint8Array(8);
  // zig-zag then base-128 varint, as Go's binary.PutVarint
  let v = BigInt(size) >= 0n ? BigInt(size) * 2n : -BigInt(size) * 2n - 1n;
  let i = 0;
  while (v >= 0x80n && i < 8) {
    out[i++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  if (i < 8) out[i] = Number(v);
  return out;
}

export function validatorTx(pubKey: Bytes, power: bigint, nonce?: number): Bytes {
  return utf8(`${VALIDATOR_PREFIX}${toBase64(pubKey)}!${power}${nonce === undefined ? '' : `!${nonce}`}`);
}

type Parsed = { kind: 'kv'; key: string; value: string } | { kind: 'val'; update: ValidatorUpdate } | { kind: 'bad'; log: string };

function parseTx(tx: Bytes): Parsed {
  const { text: s, valid } = decodeUtf8(tx);
  if (!valid) return { kind: 'bad', log: 'tx is not valid UTF-8' };
  if (s.startsWith(VALIDATOR_PREFIX)) {
    const m = /^val:([A-Za-z0-9+/=]+)!(\d+)(?:!\d+)?$/.exec(s);
    if (!m) return { kind: 'bad', log: 'validator tx must be val:<base64 pubkey>!<power>[!<nonce>]' };
    let pubKey: Bytes;
    try {
      pubKey = fromBase64(m[1]);
    } catch {
      return { kind: 'bad', log: 'validator tx: bad base64 public key' };
    }
    if (pubKey.length !== 32) return { kind: 'bad', log: 'validator tx: public key must be 32 bytes' };
    return { kind: 'val', update: { pubKey, power: BigInt(m[2]) } };
  }
  const eq = s.indexOf('=');
  if (eq <= 0) return { kind: 'bad', log: 'tx must be key=value' };
  return { kind: 'kv', key: s.slice(0, eq), value: s.slice(eq + 1) };
}

export class KVStoreApp implements Application {
  private readonly store = new Map<string, string>();
  private size = 0;
  private height = 0;
  private appHash: Bytes = kvstoreAppHash(0);
  /** Current validator powers by hex public key, so bad updates are refused, not fatal. */
  private validators = new Map<string, bigint>();
  /** The genesis validators' keys: together they must keep more than 2/3 of the power. */
  private readonly genesisKeys = new Set<string>();
  private staged: { writes: [string, string][]; size: number; height: number; appHash: Bytes; validators: Map<string, bigint> } | null = null;

  info(): InfoResponse {
    return { data: JSON.stringify({ size: this.size }), lastBlockHeight: this.height, lastBlockAppHash: this.appHash };
  }

  initChain(req: { validators: ValidatorUpdate[] }): { appHash: Bytes; validators: ValidatorUpdate[] } {
    for (const v of req.validators) {
      this.validators.set(toHex(v.pubKey), v.power);
      this.genesisKeys.add(toHex(v.pubKey));
    }
    return { appHash: this.appHash, validators: [] };
  }

  checkTx(tx: Bytes): ExecTxResult {
    const p = parseTx(tx);
    if (p.kind === 'bad') return { code: 1, log: p.log };
    // against the validators as of the last commit: FinalizeBlock checks again, in block order
    if (p.kind === 'val') {
      const after = new Map(this.validators);
      if (p.update.power === 0n) after.delete(toHex(p.update.pubKey));
      else after.set(toHex(p.update.pubKey), p.update.power);
      if (!this.genesisKeepsTwoThirds(after)) return { code: 3, log: TWO_THIRDS_REFUSAL };
    }
    return { code: 0, log: '' };
  }

  prepareProposal(req: { txs: Bytes[]; maxTxBytes: number }): Bytes[] {
    const out: Bytes[] = [];
    let bytes = 0;
    for (const tx of req.txs) {
      if (this.checkTx(tx).code !== 0) continue;
      if (bytes + tx.length > req.maxTxBytes) break;
      bytes += tx.length;
      out.push(tx);
    }
    return out;
  }

  processProposal(req: { txs: Bytes[] }): boolean {
    return req.txs.every((tx) => this.checkTx(tx).code === 0);
  }

  finalizeBlock(req: { txs: Bytes[]; height: number }): FinalizeBlockResponse {
    const writes: [string, string][] = [];
    const validatorUpdates: ValidatorUpdate[] = [];
    // copied on the first validator update only: most blocks carry none, and at 100 validators a
    // copy per block in each simulated node was a few percent of everything a height allocates
    let validators = this.validators;
    let size = this.size;
    const txResults = req.txs.map((tx): ExecTxResult => {
      const p = parseTx(tx);
      if (p.kind === 'bad') return { code: 1, log: p.log };
      if (p.kind === 'val') {
        if (validators === this.validators) validators = new Map(validators);
        const key = toHex(p.update.pubKey);
        if (p.update.power === 0n && !validators.has(key)) return { code: 2, log: 'cannot remove a validator that does not exist' };
        if (p.update.power === 0n && validators.size === 1) return { code: 2, log: 'cannot remove the last validator' };
        const before = validators.get(key);
        if (p.update.power === 0n) validators.delete(key);
        else validators.set(key, p.update.power);
        if (!this.genesisKeepsTwoThirds(validators)) {
          if (before === undefined) validators.delete(key);
          else validators.set(key, before);
          return { code: 3, log: TWO_THIRDS_REFUSAL };
        }
        validatorUpdates.push(p.update);
      } else writes.push([p.key, p.value]);
      size++;
      return { code: 0, log: '' };
    });
    const appHash = kvstoreAppHash(size);
    this.staged = { writes, size, height: req.height, appHash, validators };
    return { txResults, validatorUpdates, appHash };
  }

  private genesisKeepsTwoThirds(validators: Map<string, bigint>): boolean {
    if (this.genesisKeys.size === 0) return true;
    let total = 0n;
    let genesis = 0n;
    for (const [key, power] of validators) {
      total += power;
      if (this.genesisKeys.has(key)) genesis += power;
    }
    return genesis * 3n > total * 2n;
  }

  commit(): void {
    if (!this.staged) throw new Error('kvstore: commit without finalizeBlock');
    for (const [k, v] of this.staged.writes) this.store.set(k, v);
    ({ size: this.size, height: this.height, appHash: this.appHash, validators: this.validators } = this.staged);
    this.staged = null;
  }

  query(key: string): string | undefined {
    return this.store.get(key);
  }
}
