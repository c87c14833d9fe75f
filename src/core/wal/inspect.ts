// One view over both WAL formats for the debugging tools (CLI now, the browser later): detect
// the format, list the records with their position, summarise, and check signatures.
import type { Bytes } from '../types.js';
import { SignedMsgType } from '../types.js';
import { blockIdShort } from '../blockid.js';
import { bytesEqual, toHex } from '../bytes.js';
import { addressFromPubKey } from '../crypto/address.js';
import { findSignerSync, verifySync } from '../crypto/ed25519.js';
import { addressV010 } from '../encoding/json-v010.js';
import type { ReadWalRecord } from './record.js';
import type { WalCorruption, WalEntry } from './scan.js';
import { scanCometWal } from './scan.js';
import { looksLikeV010, scanV010Wal } from './json-v010.js';
import type { WalFormat } from './signed.js';
import { signedWalMessage } from './signed.js';

export type { WalFormat };

/** Both formats read into the same typed records; `format` says whose sign bytes they carry. */
export interface WalFile {
  format: WalFormat;
  entries: WalEntry<ReadWalRecord>[];
  goodLength: number;
  corruption: WalCorruption | null;
}

/** The v0.10 format is text; anything else is read as CometBFT's binary framing. */
export function readWal(bytes: Uint8Array): WalFile {
  if (looksLikeV010(bytes)) return { format: 'tendermint-v0.10', ...scanV010Wal(bytes) };
  return { format: 'cometbft', ...scanCometWal(bytes) };
}

/**
 * Each record's time (ms since the epoch). A record without one (a v0.10 #ENDHEIGHT marker) takes
 * its predecessor's, or before any timed record the first one's: a marker first in the file must
 * not date the file to 1970. All 0 when no record has a time.
 */
export function recordTimes(entries: readonly { record: ReadWalRecord }[]): number[] {
  let last = entries.find((e) => e.record.time !== null)?.record.time ?? 0;
  return entries.map(({ record }) => (last = record.time ?? last));
}

/** A record in format-neutral terms, for display (the CLI's listing and replay console). */
export interface WalLine {
  index: number;
  offset: number;
  /** ms since the epoch, null for v0.10 markers */
  time: number | null;
  /** roundState, timeout, endHeight, or the consensus message kind (Proposal, BlockPart, Vote) */
  kind: string;
  height: number;
  round: number | null;
  text: string;
}

const TYPE_NAME: Record<number, string> = { [SignedMsgType.Prevote]: 'prevote', [SignedMsgType.Precommit]: 'precommit' };

/** One record as a line. v0.10 names a voted block by its hash only, and a proposal not at all. */
export function walLine(format: WalFormat, { index, offset, record: r }: WalEntry<ReadWalRecord>): WalLine {
  const base = { index, offset, time: r.time };
  switch (r.type) {
    case 'roundState':
      return { ...base, kind: 'roundState', height: r.event.height, round: r.event.round, text: `${r.event.height}/${r.event.round}/${r.event.step}` };
    case 'timeout':
      return { ...base, kind: 'timeout', height: r.timeout.height, round: r.timeout.round, text: `timeout ${r.timeout.duration}ms ${r.timeout.height}/${r.timeout.round}/${r.timeout.step}` };
    case 'endHeight':
      return { ...base, kind: 'endHeight', height: r.height, round: null, text: `#ENDHEIGHT: ${r.height}` };
    case 'msgInfo': {
      const m = r.msg;
      const from = r.peerId ? ` from ${r.peerId}` : ' (own)';
      if (m.kind === 'Vote') {
        const v = m.vote;
        const block = format === 'cometbft' ? blockIdShort(v.blockId) : v.blockId.hash.length ? toHex(v.blockId.hash).slice(0, 12).toUpperCase() : 'nil';
        return { ...base, kind: 'Vote', height: v.height, round: v.round, text: `${TYPE_NAME[v.type] ?? v.type} ${v.height}/${v.round} val ${v.validatorIndex} ${block}${from}` };
      }
      if (m.kind === 'Proposal') {
        const p = m.proposal;
        const block = format === 'cometbft' ? ` ${blockIdShort(p.blockId)}` : '';
        return { ...base, kind: 'Proposal', height: p.height, round: p.round, text: `proposal ${p.height}/${p.round} pol ${p.polRound}${block}${from}` };
      }
      return { ...base, kind: 'BlockPart', height: m.height, round: m.round, text: `block part ${m.height}/${m.round} #${m.part.index} (${m.part.bytes.length} B)${from}` };
    }
  }
}

export function walLines(file: WalFile): WalLine[] {
  return file.entries.map((e) => walLine(file.format, e));
}

export interface WalSummary {
  format: WalFormat;
  records: number;
  byKind: Record<string, number>;
  heights: { min: number; max: number } | null;
  maxRound: number;
  endHeights: number[];
  /** EndHeight markers that go down: the node was restarted from older state (or files mixed up). */
  endHeightRestarts: number;
  /** EndHeight markers that jump ahead (h, then more than h + 1): the records between are not here (a lost file of a group, or heights caught up by block sync). */
  endHeightGaps: { after: number; next: number }[];
  corruption: WalCorruption | null;
  readableBytes: number;
}

export function summarizeWal(file: WalFile): WalSummary {
  const lines = walLines(file);
  const byKind: Record<string, number> = {};
  let min = Infinity;
  let max = -Infinity;
  let maxRound = 0;
  const endHeights: number[] = [];
  for (const l of lines) {
    byKind[l.kind] = (byKind[l.kind] ?? 0) + 1;
    if (l.kind === 'endHeight') endHeights.push(l.height);
    else {
      min = Math.min(min, l.height);
      max = Math.max(max, l.height);
    }
    if (l.round !== null) maxRound = Math.max(maxRound, l.round);
  }
  const endHeightRestarts = endHeights.filter((h, i) => i > 0 && h <= endHeights[i - 1]).length;
  const endHeightGaps = endHeights.flatMap((h, i) => (i > 0 && h > endHeights[i - 1] + 1 ? [{ after: endHeights[i - 1], next: h }] : []));
  return {
    format: file.format,
    records: lines.length,
    byKind,
    heights: Number.isFinite(min) ? { min, max } : null,
    maxRound,
    endHeights,
    endHeightRestarts,
    endHeightGaps,
    corruption: file.corruption,
    readableBytes: file.goodLength,
  };
}

export interface SignatureReport {
  /** per validator (hex address): valid and invalid votes and proposals */
  byValidator: Record<string, { votes: { valid: number; invalid: number }; proposals: { valid: number } }>;
  /** votes whose validator address matches none of the keys */
  unknownKeyVotes: number;
  /** proposals no key verifies (invalid, or signed by a validator whose key was not given) */
  unverifiedProposals: number;
}

/** Checks every vote and proposal signature in the file against the given public keys. */
export function verifyWalSignatures(file: WalFile, chainId: string, pubKeys: Bytes[]): SignatureReport {
  const v010 = file.format === 'tendermint-v0.10';
  const keys = pubKeys.map((pubKey) => ({ pubKey, address: v010 ? addressV010(pubKey) : addressFromPubKey(pubKey) }));
  const report: SignatureReport = { byValidator: {}, unknownKeyVotes: 0, unverifiedProposals: 0 };
  const slot = (address: Bytes) => (report.byValidator[toHex(address).toUpperCase()] ??= { votes: { valid: 0, invalid: 0 }, proposals: { valid: 0 } });
  for (const k of keys) slot(k.address);
  for (const entry of file.entries) {
    const s = signedWalMessage(file.format, entry, chainId);
    if (s?.kind === 'Vote') {
      const key = keys.find((k) => bytesEqual(k.address, s.validatorAddress));
      if (!key) report.unknownKeyVotes++;
      else slot(s.validatorAddress).votes[verifySync(key.pubKey, s.signBytes, s.signature) ? 'valid' : 'invalid']++;
    } else if (s?.kind === 'Proposal') {
      const found = findSignerSync(pubKeys, s.signBytes, s.signature);
      if (found >= 0) slot(keys[found].address).proposals.valid++;
      else report.unverifiedProposals++;
    }
  }
  return report;
}
