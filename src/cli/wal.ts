// `prevote wal`: read, check and step through WAL files of Prevote, CometBFT and Tendermint v0.10.
import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, statSync, truncateSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { concat, fromBase64, toHex } from '../core/bytes.js';
import { ValidationError } from '../core/errors.js';
import { formatRfc3339, timestampFromMillis } from '../core/time.js';
import type { GenesisKeys } from '../core/state/genesis-keys.js';
import { genesisValidatorKeys } from '../core/state/genesis-keys.js';
import type { WalFile } from '../core/wal/inspect.js';
import { readWal, summarizeWal, verifyWalSignatures, walLines } from '../core/wal/inspect.js';
import { MAX_REPLAY_VALIDATORS } from '../core/wal/replay.js';
import { replayFile } from './wal-replay.js';
import { intFlag, parseFlags, UsageError } from './args.js';

/** The most validators `replay --validators` draws (each one is a column of every vote bit-array). */
export { MAX_REPLAY_VALIDATORS };

export const WAL_HELP = `Usage: prevote wal <inspect|export|verify|replay|repair> FILE... [options]

Reads WAL files in CometBFT's binary format (Prevote writes the same) or Tendermint v0.10's JSON
lines. A directory is read as a rotated group: wal.000, wal.001, …, then wal.

  inspect FILE... [--json]      format, records by kind, heights and rounds, EndHeight markers,
                                where the file is damaged (record number and byte offset), and
                                what is missing (a group's lost file, EndHeight jumping ahead)
  export FILE --json            one JSON object per record (like CometBFT's wal2json)
  verify FILE [--genesis G.json] [--pubkey BASE64]... [--chain-id ID] [--json]
                                check every vote and proposal signature against the validator
                                keys of a genesis (validators, or a Cosmos SDK genesis' gen_txs)
                                or given keys; counts valid / invalid / unknown-key per validator
  replay FILE [--validators N]  the replay console: next [N], back [N], rs [short|votes|proposal],
                                n, help, quit; N (1..10000) sizes the vote bit-arrays (default:
                                the highest validator index the votes show)
  replay FILE --playback        apply every record and print the RoundState they rebuild
  repair FILE [--force]         copy FILE to FILE.CORRUPTED (or FILE.CORRUPTED.1, .2, … if taken;
                                never overwritten), then truncate FILE after its last good record
                                and say how many bytes after the damage it dropped; refuses a file
                                in which no record can be read (not a WAL?), and a file of a
                                group that newer files follow (a hole in the middle), unless
                                --force. Never touches the PrivValidator state.

On a damaged file, export, verify and replay use the records before the damage, say on stderr
where it is (record number, byte offset, reason) and exit 1. A Tendermint v0.10 line longer than
2 MiB + 64 KiB (a 1 MiB message, CometBFT's cap, in hex, with its envelope) is damage. Bad options
or unreadable files: one line on stderr, exit 2.`;

interface Loaded {
  path: string;
  bytes: Uint8Array;
  /** start offset of each file within `bytes` (groups) */
  files: { name: string; start: number }[];
  /** a group's numbered files absent between its first and last (wal.001 between wal.000 and wal.002) */
  missing: string[];
}

function load(path: string): Loaded {
  if (!statSync(path).isDirectory()) return { path, bytes: new Uint8Array(readFileSync(path)), files: [{ name: path, start: 0 }], missing: [] };
  const names = readdirSync(path)
    .filter((n) => /^wal(\.\d+)?$/.test(n))
    .sort((a, b) => (a === 'wal' ? 1 : b === 'wal' ? -1 : Number(a.slice(4)) - Number(b.slice(4))));
  if (names.length === 0) throw new UsageError(`${path}: a directory without wal or wal.NNN files`);
  const parts = names.map((n) => new Uint8Array(readFileSync(join(path, n))));
  let start = 0;
  const files = names.map((n, i) => {
    const f = { name: join(path, n), start };
    start += parts[i].length;
    return f;
  });
  // a group rotates out its oldest files, so it may start past wal.000, but never skips one
  const numbers = names.filter((n) => n !== 'wal').map((n) => Number(n.slice(4)));
  const missing: string[] = [];
  for (let k = numbers[0]; k < numbers[numbers.length - 1]; k++) if (!numbers.includes(k)) missing.push(`wal.${String(k).padStart(3, '0')}`);
  return { path, bytes: concat(...parts), files, missing };
}

/** "file X, byte Y" for an offset in a (possibly grouped) read. */
function where(l: Loaded, offset: number): string {
  const f = [...l.files].reverse().find((x) => x.start <= offset)!;
  return `${f.name} byte ${offset - f.start}`;
}

const time = (ms: number | null) => (ms === null ? null : formatRfc3339(timestampFromMillis(Math.floor(ms))));

/** JSON with bytes as uppercase hex and bigints as strings. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? toHex(x).toUpperCase() : typeof x === 'bigint' ? x.toString() : x && typeof x === 'object' && 'words' in x && 'bits' in x ? String(x) : x));
}

function inspect(l: Loaded, file: WalFile, json: boolean): void {
  const s = summarizeWal(file);
  const corruption = s.corruption && { ...s.corruption, at: where(l, s.corruption.offset) };
  if (json) return console.log(toJson({ path: l.path, files: l.files.map((f) => f.name), missingFiles: l.missing, bytes: l.bytes.length, ...s, corruption }));
  const kinds = Object.entries(s.byKind).map(([k, n]) => `${k} ${n}`).join(', ');
  const eh = s.endHeights;
  console.log(`${l.path}: ${s.format}, ${s.records} records, ${l.bytes.length} bytes${l.files.length > 1 ? ` in ${l.files.length} files` : ''}`);
  console.log(`  heights: ${s.heights ? `${s.heights.min}..${s.heights.max}` : 'none'}, highest round ${s.maxRound}`);
  console.log(`  records: ${kinds || 'none'}`);
  console.log(`  EndHeight markers: ${eh.length}${eh.length ? ` (first ${eh[0]}, last ${eh[eh.length - 1]})` : ''}${s.endHeightRestarts ? `, going back ${s.endHeightRestarts} times (restarts)` : ''}`);
  for (const g of s.endHeightGaps.slice(0, 5)) console.log(`  MISSING: EndHeight ${g.next} follows ${g.after}: the records of heights ${g.after + 1}–${g.next - 1} are not here (a lost file of the group, or heights the node caught up by block sync)`);
  if (s.endHeightGaps.length > 5) console.log(`  MISSING: ${s.endHeightGaps.length - 5} more such jumps`);
  if (l.missing.length) console.log(`  MISSING from the group: ${l.missing.join(', ')}`);
  console.log(corruption ? `  CORRUPT at record #${corruption.index}, ${corruption.at}: ${corruption.reason}; the first ${s.readableBytes} bytes are readable` : '  corruption: none');
}

function exportJson(file: WalFile): void {
  const lines = walLines(file);
  for (const [i, e] of file.entries.entries()) {
    if (process.stdout.errored) return; // the reader has gone (| head): main.ts exits quietly
    const { time: t, ...rest } = e.record;
    // a v0.10 proposal also signed its POL BlockID, which the typed Proposal does not carry
    console.log(toJson({ index: i, offset: e.offset, time: time(t), kind: lines[i].kind, msg: rest, ...(e.polBlockId && { polBlockId: e.polBlockId }) }));
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
const json = { type: 'boolean', default: false } as const;
const SUBCOMMANDS: Record<string, Options> = {
  inspect: { json },
  export: { json },
  verify: { json, genesis: { type: 'string' }, pubkey: { type: 'string', multiple: true, default: [] }, 'chain-id': { type: 'string' } },
  replay: { validators: { type: 'string' }, playback: { type: 'boolean', default: false } },
  repair: { force: { type: 'boolean', default: false } },
};

/** "ENOENT: no such file or directory" without Node's ", open 'x'" tail. */
const fsReason = (e: unknown) => (e as Error).message.replace(/, \w+ '.*'$/s, '');

function loadOrFail(path: string): Loaded {
  try {
    return load(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${path}: cannot read (${fsReason(e)})`);
  }
}

function genesisKeys(path: string): GenesisKeys {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--genesis ${path}: cannot read (${fsReason(e)})`);
  }
  try {
    return genesisValidatorKeys(text);
  } catch (e) {
    if (e instanceof ValidationError) throw new UsageError(`--genesis ${path}: ${e.message}`);
    throw e;
  }
}

function pubKey(b64: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = fromBase64(b64);
  } catch (e) {
    throw new UsageError(`--pubkey ${JSON.stringify(b64)}: not base64 (${(e as Error).message})`);
  }
  if (key.length !== 32) throw new UsageError(`--pubkey ${JSON.stringify(b64)}: an Ed25519 public key has 32 bytes, this one ${key.length}`);
  return key;
}

/** Where a file is damaged, for stderr (inspect prints the same on stdout). */
function damage(l: Loaded, file: WalFile): string {
  const c = file.corruption!;
  return `CORRUPT at record #${c.index}, ${where(l, c.offset)}: ${c.reason}`;
}

/** The first free FILE.CORRUPTED, FILE.CORRUPTED.1, …, created exclusively so nothing is overwritten. */
function writeBackup(path: string, bytes: Uint8Array): string {
  for (let i = 0; i < 1000; i++) {
    const name = i === 0 ? `${path}.CORRUPTED` : `${path}.CORRUPTED.${i}`;
    let fd: number;
    try {
      fd = openSync(name, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new UsageError(`${path}: cannot create the backup ${name} (${fsReason(e)}); nothing changed`);
    }
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return name;
  }
  throw new UsageError(`${path}: ${path}.CORRUPTED … ${path}.CORRUPTED.999 all exist; move some away`);
}

/** A newer file of the rotated group `path` belongs to (wal.001 → wal.002 or wal), if any. */
function laterInGroup(path: string): string | null {
  const m = /^wal\.(\d+)$/.exec(basename(path));
  if (!m) return null;
  const dir = dirname(path);
  const order = (n: string) => (n === 'wal' ? Infinity : Number(n.slice(4)));
  const newer = readdirSync(dir).filter((n) => n === 'wal' || (/^wal\.\d+$/.test(n) && order(n) > Number(m[1])));
  return newer.length ? newer.sort((a, b) => order(a) - order(b))[0] : null;
}

function repair(path: string, l: Loaded, file: WalFile, force: boolean): number {
  if (!file.corruption) {
    console.log(`${path}: no corruption found; nothing to repair`);
    return 0;
  }
  const c = file.corruption;
  if (statSync(path).isDirectory()) {
    throw new UsageError(`${path}: give the damaged file, not a directory (the damage is in ${where(l, c.offset)})`);
  }
  // cutting a file that newer ones follow leaves a hole in the middle of the group, not a shorter WAL
  const later = laterInGroup(path);
  if (later && !force) throw new UsageError(`${path}: ${later} follows it in its group: cutting this file would leave a hole in the middle of the WAL; nothing changed (--force cuts it anyway)`);
  if (file.entries.length === 0 && !force) {
    throw new UsageError(`${path}: not one record can be read (${c.reason}): is it a WAL? Nothing changed; --force truncates it to 0 bytes`);
  }
  const backup = writeBackup(path, l.bytes);
  try {
    truncateSync(path, file.goodLength);
  } catch (e) {
    throw new UsageError(`${path}: cannot truncate (${fsReason(e)}); the copy in ${backup} was made, nothing else changed`);
  }
  const dropped = l.bytes.length - file.goodLength;
  console.log(
    `${path}: kept ${file.entries.length} records (${file.goodLength} bytes); dropping ${dropped} bytes after the damage at record #${c.index}, byte ${c.offset} (${c.reason}); the original is in ${backup}`,
  );
  return 0;
}

export async function runWalCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const options = sub === undefined ? undefined : SUBCOMMANDS[sub];
  if (!options) throw new UsageError(sub === undefined ? 'no subcommand: inspect, export, verify, replay or repair' : `unknown subcommand '${sub}': inspect, export, verify, replay or repair`, true);
  try {
    return await runSub(sub, rest, options);
  } catch (e) {
    if (e instanceof UsageError) e.command ??= `wal ${sub}`;
    throw e;
  }
}

async function runSub(sub: string, rest: string[], options: Options): Promise<number> {
  const { values: v, positionals } = parseFlags(rest, options, true);
  const values = v as Record<string, string | string[] | boolean | undefined>;
  if (positionals.length === 0) throw new UsageError('no FILE given', true);
  if (sub !== 'inspect' && positionals.length > 1) throw new UsageError(`one FILE only, got ${positionals.length}`, true);
  // options first, so that a typo costs nothing
  const keys: Uint8Array[] = sub === 'verify' ? (values.pubkey as string[]).map(pubKey) : [];
  let chainId = values['chain-id'] as string | undefined;
  if (typeof values.genesis === 'string') {
    const g = genesisKeys(values.genesis);
    if (g.keys.length === 0) throw new UsageError(`--genesis ${values.genesis}: no Ed25519 validator keys (in validators or app_state.genutil.gen_txs)`);
    keys.push(...g.keys.map((k) => k.pubKey));
    chainId ??= g.chainId ?? undefined;
  }
  if (sub === 'verify' && chainId === undefined) throw new UsageError('no chain id: give --chain-id or a --genesis that has one');
  // a key given twice (--pubkey and the genesis, or --pubkey twice) is one key
  const distinct = [...new Map(keys.map((k) => [toHex(k), k])).values()];
  keys.splice(0, keys.length, ...distinct);
  if (sub === 'verify' && keys.length === 0) throw new UsageError('no validator keys: give --genesis or --pubkey');
  const validators = typeof values.validators === 'string' ? intFlag('validators', values.validators, 1, MAX_REPLAY_VALIDATORS) : 0;

  let worst = 0;
  for (const path of positionals) {
    const l = loadOrFail(path);
    const file = readWal(l.bytes);
    switch (sub) {
      case 'inspect':
        inspect(l, file, values.json as boolean);
        break;
      case 'export':
        exportJson(file);
        if (file.corruption) console.error(`prevote wal export: ${damage(l, file)}; exported the ${file.entries.length} records before it`);
        break;
      case 'verify': {
        if (file.corruption) console.error(`prevote wal verify: ${damage(l, file)}; checking the ${file.entries.length} records before it`);
        const rep = verifyWalSignatures(file, chainId!, keys);
        if (values.json) console.log(toJson(rep));
        else {
          console.log(`${path}: chain ${chainId}, ${keys.length} key(s)`);
          for (const [addr, c] of Object.entries(rep.byValidator)) {
            console.log(`  ${addr}: votes ${c.votes.valid} valid, ${c.votes.invalid} INVALID; proposals ${c.proposals.valid} valid`);
          }
          console.log(`  votes from validators without a key: ${rep.unknownKeyVotes}; proposals no key verifies: ${rep.unverifiedProposals}`);
        }
        if (Object.values(rep.byValidator).some((c) => c.votes.invalid > 0)) worst = 1;
        break;
      }
      case 'replay':
        if (file.corruption) console.error(`prevote wal replay: ${damage(l, file)}; replaying the ${file.entries.length} records before it`);
        await replayFile(file, validators, !values.playback, basename(path));
        break;
      case 'repair':
        return repair(path, l, file, values.force as boolean);
    }
    if (file.corruption) worst = Math.max(worst, 1);
  }
  return worst;
}
