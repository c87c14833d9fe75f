// Every vote and proposal of a WAL marked valid, invalid or unknown-key against a genesis' keys,
// for the WAL debugger's signature column (issue 14). The totals are `prevote wal verify`'s
// (core/wal/inspect.ts verifyWalSignatures: same rules, same report), but each record keeps its
// own verdict, and the checks go through an Ed25519Verifier in batches: a browser worker passes
// WebCrypto's (ZIP-215 verdicts either way, platform/shared/webcrypto-verifier.ts).
//
// A vote names its validator by address: no key for that address is "unknown-key". A proposal
// names no signer: one that no key verifies is counted as the CLI counts it ("proposals no key
// verifies") and marked unknown-key too — signed by a validator without a key here, or invalid.
import type { Bytes } from '../core/types.js';
import { bytesEqual, bytesKey, toHex } from '../core/bytes.js';
import { addressFromPubKey } from '../core/crypto/address.js';
import type { Ed25519Verifier } from '../core/crypto/ed25519.js';
import { findSigner, nobleVerifier } from '../core/crypto/ed25519.js';
import { addressV010 } from '../core/encoding/json-v010.js';
import type { SignatureReport, WalFile } from '../core/wal/inspect.js';
import { signedWalMessage } from '../core/wal/signed.js';

export type Verdict = 'valid' | 'invalid' | 'unknown-key';
/** Verdicts as bytes, one per record (0: no signature to check). */
export const VERDICTS: readonly (Verdict | null)[] = [null, 'valid', 'invalid', 'unknown-key'];
const VALID = 1;
const INVALID = 2;
const UNKNOWN = 3;

const BATCH = 256;

export interface SignatureVerdicts {
  /** per record: an index into VERDICTS */
  verdicts: Uint8Array;
  report: SignatureReport;
  /**
   * Who proposed, by "height/round": the address (lower-case hex) of the key that verified that
   * round's proposal. A WAL names no proposer; its signature does.
   */
  proposers: Map<string, string>;
}

/** Verifies every signature of `file`; `progress` after each batch (signatures checked, in all). */
export async function signatureVerdicts(
  file: WalFile,
  chainId: string,
  pubKeys: Bytes[],
  verifier: Ed25519Verifier = nobleVerifier,
  progress: (done: number, total: number) => void = () => undefined,
): Promise<SignatureVerdicts> {
  const v010 = file.format === 'tendermint-v0.10';
  const keys = pubKeys.map((pubKey) => ({ pubKey, address: v010 ? addressV010(pubKey) : addressFromPubKey(pubKey) }));
  const report: SignatureReport = { byValidator: {}, unknownKeyVotes: 0, unverifiedProposals: 0 };
  const slot = (address: Bytes) => (report.byValidator[toHex(address).toUpperCase()] ??= { votes: { valid: 0, invalid: 0 }, proposals: { valid: 0 } });
  for (const k of keys) slot(k.address);
  const verdicts = new Uint8Array(file.entries.length);

  const votes: { index: number; key: (typeof keys)[number]; message: Bytes; signature: Bytes }[] = [];
  const proposals: { index: number; round: string; message: Bytes; signature: Bytes }[] = [];
  const proposers = new Map<string, string>();
  for (const entry of file.entries) {
    const s = signedWalMessage(file.format, entry, chainId);
    if (s?.kind === 'Vote') {
      const key = keys.find((k) => bytesEqual(k.address, s.validatorAddress));
      if (key) votes.push({ index: entry.index, key, message: s.signBytes, signature: s.signature });
      else {
        report.unknownKeyVotes++;
        verdicts[entry.index] = UNKNOWN;
      }
    } else if (s?.kind === 'Proposal' && entry.record.type === 'msgInfo' && entry.record.msg.kind === 'Proposal') {
      const { height, round } = entry.record.msg.proposal;
      proposals.push({ index: entry.index, round: `${height}/${round}`, message: s.signBytes, signature: s.signature });
    }
  }
  const total = votes.length + proposals.length;
  let done = 0;
  for (let i = 0; i < votes.length; i += BATCH) {
    const batch = votes.slice(i, i + BATCH);
    const ok = await verifier.verifyBatch(batch.map((v) => ({ pubKey: v.key.pubKey, message: v.message, signature: v.signature })));
    batch.forEach((v, j) => {
      slot(v.key.address).votes[ok[j] ? 'valid' : 'invalid']++;
      verdicts[v.index] = ok[j] ? VALID : INVALID;
    });
    progress((done += batch.length), total);
  }
  // a proposal names no signer: each is tried against the keys, a batch at a time in parallel
  // (its copies, from several peers, are answered from memory by a rememberingVerifier); the
  // verdicts are then taken in file order, as the CLI counts them
  for (let i = 0; i < proposals.length; i += BATCH) {
    const batch = proposals.slice(i, i + BATCH);
    const found = await Promise.all(batch.map((p) => findSigner(verifier, pubKeys, p.message, p.signature)));
    batch.forEach((p, j) => {
      const k = found[j];
      if (k >= 0) {
        slot(keys[k].address).proposals.valid++;
        verdicts[p.index] = VALID;
        if (!proposers.has(p.round)) proposers.set(p.round, toHex(keys[k].address));
      } else {
        report.unverifiedProposals++;
        verdicts[p.index] = UNKNOWN;
      }
    });
    progress((done += batch.length), total);
  }
  return { verdicts, report, proposers };
}

/** Verdicts a session remembers at most (each a few hundred bytes; forgotten all at once past it). */
const REMEMBERED = 100_000;

/**
 * A verifier that answers a signature it has checked before from memory: the WALs of several nodes
 * of one chain hold the same votes and proposals (each node's WAL has every vote it received), and
 * a proposal reaches a node from several peers. Keyed by key, signature and message, so a verdict
 * is only ever reused for the very same check.
 */
export function rememberingVerifier(inner: Ed25519Verifier): Ed25519Verifier {
  const verdicts = new Map<string, Promise<boolean>>();
  const strict = new Map<string, Promise<boolean>>();
  const recall = (memo: Map<string, Promise<boolean>>, check: (pubKey: Bytes, message: Bytes, signature: Bytes) => Promise<boolean>) => (pubKey: Bytes, message: Bytes, signature: Bytes) => {
    const id = bytesKey(pubKey) + bytesKey(signature) + bytesKey(message);
    let verdict = memo.get(id);
    if (!verdict) {
      if (memo.size >= REMEMBERED) memo.clear();
      memo.set(id, (verdict = check(pubKey, message, signature)));
    }
    return verdict;
  };
  const verify = recall(verdicts, (k, m, sig) => inner.verify(k, m, sig));
  const strictCheck = inner.verifyStrict;
  return {
    verify,
    verifyBatch: (items) => Promise.all(items.map((it) => verify(it.pubKey, it.message, it.signature))),
    verifyStrict: strictCheck ? recall(strict, (k, m, sig) => strictCheck.call(inner, k, m, sig)) : undefined,
  };
}
