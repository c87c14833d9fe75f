// The WAL debugger's protocol (issue 14): the page hands WAL files (and genesis files) to a worker,
// which reads them in chunks and says how far it got, then answers with what each file holds
// (`prevote wal inspect`'s summary and damage), the signature verdicts against a genesis
// (`prevote wal verify`'s counts), the diagnosis of the height the node stopped at, the files
// merged on one clock, and — for the file being watched — the frames of a WalSource (the common
// playback protocol, ./protocol.ts) with the records around the position. Plain, JSON-safe data
// or typed arrays (transferred); nothing here is a live object of the worker.
import type { SignatureReport, WalFormat, WalLine, WalSummary } from '../core/wal/inspect.js';
import type { Diagnosis } from './diagnosis.js';
import type { NodeId } from './model.js';
import type { SourceMessage } from './protocol.js';
import type { Verdict } from './wal-signatures.js';
import type { HeightRounds, WalCommand } from './wal-source.js';

export type { Verdict, WalCommand };

/** A file as the page has it: a dropped or chosen File, or bytes (a paste). */
export interface WalInputFile {
  name: string;
  data: Blob | Uint8Array;
}

export type WalDebuggerCommand =
  /** read these files: WALs (a rotated group's chunks are joined) are added, genesis files applied */
  | { type: 'open'; files: WalInputFile[] }
  /** forget every file */
  | { type: 'clear' }
  /** send this file's frames from now on (one file is watched at a time) */
  | { type: 'watch'; file: number }
  /** playback of a file: step, back, seek to a record, a time or a height/round, play, pause */
  | { type: 'source'; file: number; cmd: WalCommand }
  /** one record with where it was sent from (the merged timeline's selection) */
  | { type: 'record'; file: number; index: number }
  /** the file's records as JSON lines (`prevote wal export --json`) */
  | { type: 'export'; file: number };

export type LoadPhase = 'read' | 'scan' | 'verify' | 'analyse';

/** One loaded WAL (a rotated group counts as one). */
export interface WalFileInfo {
  /** the id commands name it by */
  id: number;
  name: string;
  size: number;
  format: WalFormat;
  /** what `prevote wal inspect` prints: records by kind, heights, EndHeight markers, the damage */
  summary: WalSummary;
  /** the genesis its signatures are checked against (by name), or null */
  genesis: string | null;
  /** the heights and rounds the node entered: where "go to height/round" can go */
  rounds: HeightRounds[];
}

export interface GenesisInfo {
  name: string;
  chainId: string | null;
  /** Ed25519 validator keys found (validators, or a Cosmos SDK genesis' gen_txs) */
  keys: number;
  /** why it gave no keys (not JSON, a malformed key…), or null */
  error: string | null;
}

/** A record for the console's list and the timeline's selection, with its signature's verdict. */
export interface RecordLine extends WalLine {
  verdict: Verdict | null;
}

/** Record kinds on the merged timeline (an index into MERGED_KINDS). */
export const MERGED_KINDS = ['roundState', 'timeout', 'endHeight', 'Proposal', 'BlockPart', 'prevote', 'precommit'] as const;
export type MergedKind = (typeof MERGED_KINDS)[number];

/** One file's records on the merged timeline, as columns. */
export interface MergedLane {
  node: NodeId;
  /** ms on the reference clock (the file's own time minus its skew) */
  corrected: Float64Array;
  /** index into MERGED_KINDS */
  kinds: Uint8Array;
  /** 1 for the node's own message (peer id ''), 0 otherwise */
  own: Uint8Array;
  /** for a received vote or proposal: the sender's lane and record index; -1 otherwise */
  sentLane: Int16Array;
  sentIndex: Int32Array;
}

/** Several nodes' WALs on one clock (./merge.ts): skew per file, and receipts linked to sends. */
export interface MergedView {
  lanes: MergedLane[];
  /** per lane: ms subtracted from its times (null: no link places it; it keeps its own clock) */
  skew: (number | null)[];
  /** per lane: for a file no link places and that shares no time with the placed ones, ms subtracted to draw it from the reference's start */
  apart: (number | null)[];
  /** receipts linked to their sends */
  links: number;
  /** linked receipts that still come before their send once corrected (0 when the estimate holds) */
  early: number;
  /** the earliest corrected time (the axis' origin) */
  origin: number;
}

export type WalDebuggerMessage =
  | { type: 'progress'; phase: LoadPhase; name: string; done: number; total: number }
  /** every file loaded so far; `busy` while a load is still going */
  | { type: 'files'; files: WalFileInfo[]; genesis: GenesisInfo[]; busy: boolean }
  | { type: 'signatures'; file: number; genesis: string; chainId: string; keys: number; report: SignatureReport }
  | { type: 'diagnosis'; file: number; diagnosis: Diagnosis }
  | { type: 'merged'; merged: MergedView | null }
  /** the watched file's frames */
  | (SourceMessage & { file: number })
  /** the watched file's records around its position (after each frame); `applied` records are applied */
  | { type: 'lines'; file: number; applied: number; total: number; lines: RecordLine[] }
  | { type: 'record'; file: number; line: RecordLine; sentBy: { file: number; line: RecordLine } | null }
  | { type: 'export'; file: number; name: string; text: string };
