// The WAL debugger's worker side (issue 14), free of the DOM so that tests drive it as the worker
// does (platform/browser/wal.worker.ts only wires it to postMessage). It answers the protocol of
// ./wal-debugger.ts: reads the files handed over (reporting bytes read and scanned), keeps one
// WalSource per WAL for the views, checks signatures against a genesis dropped beside the WAL,
// diagnoses the height each node stopped at, and merges all the files on one clock.
//
// Files are matched to a genesis by name (`v0.37-x.genesis.json` goes with `v0.37-x.wal`); a
// lone genesis goes with every WAL. Every WAL keeps a unique name (its node id on the merged
// timeline): CometBFT names every node's WAL `wal`, so a second `wal` becomes `wal #2`.
import { fromHex, toBase64, toHex } from '../core/bytes.js';
import { ValidatorSet } from '../core/validators/validator-set.js';
import { addressFromPubKey } from '../core/crypto/address.js';
import type { Ed25519Verifier } from '../core/crypto/ed25519.js';
import { nobleVerifier } from '../core/crypto/ed25519.js';
import { addressV010 } from '../core/encoding/json-v010.js';
import type { GenesisKeys } from '../core/state/genesis-keys.js';
import { genesisValidatorKeys } from '../core/state/genesis-keys.js';
import type { WalFile } from '../core/wal/inspect.js';
import { summarizeWal, walLine } from '../core/wal/inspect.js';
import type { KnownValidator } from './diagnosis.js';
import { diagnose } from './diagnosis.js';
import type { NamedBytes } from './wal-input.js';
import { groupDropped } from './wal-input.js';
import type { GenesisInfo, LoadPhase, RecordLine, WalDebuggerCommand, WalDebuggerMessage, WalFileInfo, WalInputFile } from './wal-debugger.js';
import { walJsonLines } from './wal-json.js';
import { mergedView } from './wal-merged.js';
import { rememberingVerifier, signatureVerdicts, VERDICTS } from './wal-signatures.js';
import { roundsEntered, WalSource } from './wal-source.js';
import type { GenesisValidatorView } from './wal.js';
import { readWalInChunks, WAL_CHUNK } from './wal-stream.js';

export interface WalSessionOptions {
  /** Ed25519 verification (default: @noble/ed25519, synchronous) */
  verifier?: Ed25519Verifier;
  /** the most events a reset frame carries */
  window?: number;
  /** bytes scanned between progress reports */
  chunk?: number;
}

/** Records listed around the position: a few before the last applied, more after. */
const LINES_BEFORE = 6;
const LINES_AFTER = 8;

interface Loaded {
  info: WalFileInfo;
  file: WalFile;
  source: WalSource;
  verdicts: Uint8Array | null;
}

interface Genesis {
  name: string;
  text: string;
  keys: GenesisKeys | null;
  error: string | null;
}

const genesisStem = (name: string) => name.replace(/(\.genesis)?\.json$/i, '');

export class WalDebuggerSession {
  private files: Loaded[] = [];
  private genesis: Genesis[] = [];
  private merged: ReturnType<typeof mergedView> | null = null;
  private watched: number | null = null;

  /** every file's signatures go through it: the same votes in several nodes' WALs are checked once */
  private readonly verifier: Ed25519Verifier;

  constructor(
    private readonly post: (m: WalDebuggerMessage) => void,
    private readonly opts: WalSessionOptions = {},
  ) {
    this.verifier = rememberingVerifier(opts.verifier ?? nobleVerifier);
  }

  /** Carries out one command; whatever goes wrong is reported, never thrown. */
  async handle(cmd: WalDebuggerCommand): Promise<void> {
    try {
      switch (cmd.type) {
        case 'open':
          return await this.open(cmd.files);
        case 'clear':
          for (const f of this.files) f.source.close();
          this.files = [];
          this.genesis = [];
          this.merged = null;
          this.watched = null;
          this.post({ type: 'merged', merged: null });
          return this.postFiles(false);
        case 'watch':
          return this.watch(cmd.file);
        case 'source':
          return this.files[cmd.file]?.source.send(cmd.cmd);
        case 'record':
          return this.record(cmd.file, cmd.index);
        case 'export': {
          const f = this.files[cmd.file];
          if (!f) return;
          return this.post({ type: 'export', file: cmd.file, name: `${f.info.name}.jsonl`, text: walJsonLines(f.file) });
        }
      }
    } catch (e) {
      const err = e as Error;
      this.post({ type: 'error', file: -1, message: err.stack ?? err.message ?? String(e) });
      this.postFiles(false);
    }
  }

  private progress(phase: LoadPhase, name: string, done: number, total: number): void {
    this.post({ type: 'progress', phase, name, done, total });
  }

  private postFiles(busy: boolean): void {
    const genesis: GenesisInfo[] = this.genesis.map((g) => ({ name: g.name, chainId: g.keys?.chainId ?? null, keys: g.keys?.keys.length ?? 0, error: g.error }));
    this.post({ type: 'files', files: this.files.map((f) => f.info), genesis, busy });
  }

  private async open(input: WalInputFile[]): Promise<void> {
    const total = input.reduce((s, f) => s + (f.data instanceof Uint8Array ? f.data.length : f.data.size), 0);
    let read = 0;
    const named: NamedBytes[] = [];
    for (const f of input) {
      const bytes = f.data instanceof Uint8Array ? f.data : new Uint8Array(await f.data.arrayBuffer());
      named.push({ name: f.name, bytes });
      this.progress('read', f.name, (read += bytes.length), total);
    }
    const before = this.files.length;
    // files of one name can only be told apart by the order they came in: one group per occurrence
    for (const batch of byOccurrence(named)) {
      const { wals, genesis } = groupDropped(batch.files);
      for (const g of genesis) this.addGenesis(g);
      for (const w of wals) this.addWal(batch.n > 1 ? `${w.name} #${batch.n}` : w.name, w.bytes);
    }
    this.postFiles(true);
    // a new genesis may apply to files loaded before: check every file whose genesis is set
    for (const f of this.files) await this.checkSignatures(f);
    if (this.files.length !== before || this.merged === null) this.merge();
    this.postFiles(false);
  }

  private addGenesis(g: NamedBytes): void {
    const text = new TextDecoder().decode(g.bytes);
    let keys: GenesisKeys | null = null;
    let error: string | null = null;
    try {
      keys = genesisValidatorKeys(text);
      if (keys.keys.length === 0) error = 'no Ed25519 validator keys (in validators or app_state.genutil.gen_txs)';
      else if (keys.chainId === null) error = 'no chain_id: signatures cannot be checked without it';
    } catch (e) {
      error = (e as Error).message;
    }
    this.genesis = this.genesis.filter((x) => x.name !== g.name).concat({ name: g.name, text, keys, error });
  }

  private addWal(name: string, bytes: Uint8Array): void {
    let unique = name;
    for (let n = 2; this.files.some((f) => f.info.name === unique); n++) unique = `${name} #${n}`;
    const file = readWalInChunks(bytes, (done, total) => this.progress('scan', unique, done, total), this.opts.chunk ?? WAL_CHUNK);
    const id = this.files.length;
    const info: WalFileInfo = { id, name: unique, size: bytes.length, format: file.format, summary: summarizeWal(file), genesis: null, rounds: roundsEntered(file.entries) };
    this.files.push({ info, file, source: new WalSource(file, { node: unique, window: this.opts.window }), verdicts: null });
    // with its genesis at hand the diagnosis comes with the signatures (it counts the genesis'
    // validators); made now too, it cost a third of a second per 7 MB file for nothing
    if (!this.genesisFor(unique)) this.post({ type: 'diagnosis', file: id, diagnosis: diagnose(file) });
  }

  /** The genesis of a WAL: the one named like it, else the only one with keys. */
  private genesisFor(name: string): Genesis | null {
    const usable = this.genesis.filter((g) => g.error === null);
    const named = usable.filter((g) => name.startsWith(genesisStem(g.name))).sort((a, b) => genesisStem(b.name).length - genesisStem(a.name).length);
    return named[0] ?? (usable.length === 1 ? usable[0] : null);
  }

  private async checkSignatures(f: Loaded): Promise<void> {
    const g = this.genesisFor(f.info.name);
    if (!g || g.name === f.info.genesis) return;
    const keys = g.keys!;
    const pubKeys = keys.keys.map((k) => k.pubKey);
    const name = f.info.name;
    const { verdicts, report, proposers } = await signatureVerdicts(f.file, keys.chainId!, pubKeys, this.verifier, (done, total) => this.progress('verify', name, done, total));
    f.verdicts = verdicts;
    f.info = { ...f.info, genesis: g.name };
    const known = knownValidators(g, f.file.format);
    f.source.setGenesis(inSetOrder(known, keys), proposers);
    this.post({ type: 'signatures', file: f.info.id, genesis: g.name, chainId: keys.chainId!, keys: pubKeys.length, report });
    this.post({ type: 'diagnosis', file: f.info.id, diagnosis: diagnose(f.file, known) });
  }

  private merge(): void {
    this.progress('analyse', 'merging the timelines', 0, 1);
    this.merged = mergedView(this.files.map((f) => ({ node: f.info.name, file: f.file })));
    this.post({ type: 'merged', merged: this.merged });
    this.progress('analyse', 'merging the timelines', 1, 1);
  }

  private watch(id: number): void {
    const f = this.files[id];
    if (!f) return;
    if (this.watched !== null && this.watched !== id) this.files[this.watched]?.source.close();
    this.watched = id;
    f.source.onMessage((m) => {
      if (this.watched !== id) return;
      this.post({ ...m, file: id });
      if (m.type === 'frame') {
        const applied = m.frame.steps;
        this.post({ type: 'lines', file: id, applied, total: f.file.entries.length, lines: this.lines(f, applied - LINES_BEFORE, applied + LINES_AFTER) });
      }
    });
  }

  private line(f: Loaded, i: number): RecordLine {
    return { ...walLine(f.file.format, f.file.entries[i]), verdict: f.verdicts ? VERDICTS[f.verdicts[i]] : null };
  }

  private lines(f: Loaded, from: number, to: number): RecordLine[] {
    const out: RecordLine[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, f.file.entries.length); i++) out.push(this.line(f, i));
    return out;
  }

  private record(id: number, index: number): void {
    const f = this.files[id];
    if (!f || index < 0 || index >= f.file.entries.length) return;
    const lane = this.merged?.lanes[id];
    const from = lane && lane.sentLane[index] >= 0 ? { file: lane.sentLane[index], index: lane.sentIndex[index] } : null;
    const sentBy = from && this.files[from.file] ? { file: from.file, line: this.line(this.files[from.file], from.index) } : null;
    this.post({ type: 'record', file: id, line: this.line(f, index), sentBy });
  }
}

/** Files split so that no name repeats within a part: the n-th file of a name goes to part n. */
function byOccurrence(files: NamedBytes[]): { n: number; files: NamedBytes[] }[] {
  const parts: NamedBytes[][] = [];
  const seen = new Map<string, number>();
  for (const f of files) {
    const n = seen.get(f.name) ?? 0;
    seen.set(f.name, n + 1);
    (parts[n] ??= []).push(f);
  }
  return parts.map((files, i) => ({ n: i + 1, files }));
}

/**
 * A genesis' validators as the chain's first set orders them (CometBFT: power descending, then
 * address), with their names: the WAL's vote columns are validator indices in that order.
 */
function inSetOrder(known: KnownValidator[], keys: GenesisKeys): GenesisValidatorView[] {
  const named = known.map((v, i) => ({ address: v.address.toLowerCase(), name: keys.keys[i]?.name ?? '', power: v.power }));
  try {
    const set = ValidatorSet.create(named.map((v, i) => ({ address: fromHex(v.address), pubKey: keys.keys[i].pubKey, votingPower: v.power })));
    return set.validators.map((v) => named.find((n) => n.address === toHex(v.address))!);
  } catch {
    return named; // a set CometBFT would refuse (a zero power, a repeated key): the genesis' own order
  }
}

/**
 * The genesis' validators as the diagnosis weighs them: each key's address in the file's format,
 * with the power the genesis gives it (`power`, v0.10's `amount`); a gen_txs key counts 1.
 */
export function knownValidators(g: { text: string; keys: GenesisKeys | null }, format: WalFile['format']): KnownValidator[] {
  const listed: { pub_key?: { value?: string; data?: string }; power?: unknown; amount?: unknown }[] = (() => {
    try {
      const v = (JSON.parse(g.text) as { validators?: unknown }).validators;
      return Array.isArray(v) ? v : [];
    } catch {
      return [];
    }
  })();
  const powerOf = (pubKey: Uint8Array): bigint => {
    const b64 = toBase64(pubKey);
    const hex = toHex(pubKey).toLowerCase();
    const v = listed.find((x) => x?.pub_key?.value === b64 || (typeof x?.pub_key?.data === 'string' && x.pub_key.data.toLowerCase() === hex));
    try {
      return v ? BigInt(String(v.power ?? v.amount ?? 1)) : 1n;
    } catch {
      return 1n;
    }
  };
  return (g.keys?.keys ?? []).map((k) => ({ address: toHex(format === 'tendermint-v0.10' ? addressV010(k.pubKey) : addressFromPubKey(k.pubKey)), power: powerOf(k.pubKey) }));
}
