// `prevote wal`: read, check and step through WAL files of Prevote, CometBFT and Tendermint v0.10.
import { copyFileSync, readFileSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { concat, fromBase64, toHex } from '../core/bytes.js';
import { formatRfc3339, timestampFromMillis } from '../core/time.js';
import { genesisValidatorKeys } from '../core/state/genesis-keys.js';
import type { WalFile } from '../core/wal/inspect.js';
import { readWal, summarizeWal, verifyWalSignatures, walLines } from '../core/wal/inspect.js';
import { WalReplay } from '../core/wal/replay.js';

export const WAL_HELP = `Usage: prevote wal <inspect|export|verify|replay|repair> FILE... [options]

Reads WAL files in CometBFT's binary format (Prevote writes the same) or Tendermint v0.10's JSON
lines. A directory is read as a rotated group: wal.000, wal.001, …, then wal.

  inspect FILE... [--json]      format, records by kind, heights and rounds, EndHeight markers,
                                and where the file is damaged (record number and byte offset)
  export FILE --json            one JSON object per record (like CometBFT's wal2json)
  verify FILE [--genesis G.json] [--pubkey BASE64]... [--chain-id ID]
                                check every vote and proposal signature against the validator
                                keys of a genesis (validators, or a Cosmos SDK genesis' gen_txs)
                                or given keys; counts valid / invalid / unknown-key per validator
  replay FILE [--validators N]  the replay console: next [N], back [N], rs [short|votes|proposal],
                                n, help, quit
  replay FILE --playback        apply every record and print the RoundState they rebuild
  repair FILE                   copy FILE to FILE.CORRUPTED, then truncate FILE after its last
                                good record (never touches the PrivValidator state)`;

interface Loaded {
  path: string;
  bytes: Uint8Array;
  /** start offset of each file within `bytes` (groups) */
  files: { name: string; start: number }[];
}

function load(path: string): Loaded {
  if (!statSync(path).isDirectory()) return { path, bytes: new Uint8Array(readFileSync(path)), files: [{ name: path, start: 0 }] };
  const names = readdirSync(path)
    .filter((n) => /^wal(\.\d+)?$/.test(n))
    .sort((a, b) => (a === 'wal' ? 1 : b === 'wal' ? -1 : Number(a.slice(4)) - Number(b.slice(4))));
  if (names.length === 0) throw new Error(`${path}: no wal or wal.NNN files`);
  const parts = names.map((n) => new Uint8Array(readFileSync(join(path, n))));
  let start = 0;
  const files = names.map((n, i) => {
    const f = { name: join(path, n), start };
    start += parts[i].length;
    return f;
  });
  return { path, bytes: concat(...parts), files };
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
  if (json) return console.log(toJson({ path: l.path, files: l.files.map((f) => f.name), bytes: l.bytes.length, ...s, corruption }));
  const kinds = Object.entries(s.byKind).map(([k, n]) => `${k} ${n}`).join(', ');
  const eh = s.endHeights;
  console.log(`${l.path}: ${s.format}, ${s.records} records, ${l.bytes.length} bytes${l.files.length > 1 ? ` in ${l.files.length} files` : ''}`);
  console.log(`  heights: ${s.heights ? `${s.heights.min}..${s.heights.max}` : 'none'}, highest round ${s.maxRound}`);
  console.log(`  records: ${kinds || 'none'}`);
  console.log(`  EndHeight markers: ${eh.length}${eh.length ? ` (${eh[0]} … ${eh[eh.length - 1]})` : ''}${s.endHeightRestarts ? `, going back ${s.endHeightRestarts} times (restarts)` : ''}`);
  console.log(corruption ? `  CORRUPT at record #${corruption.index}, ${corruption.at}: ${corruption.reason}; the first ${s.readableBytes} bytes are readable` : '  corruption: none');
}

function exportJson(file: WalFile): void {
  const lines = walLines(file);
  file.entries.forEach((e, i) => {
    const { time: t, ...rest } = e.record;
    console.log(toJson({ index: i, offset: e.offset, time: time(t), kind: lines[i].kind, msg: rest }));
  });
}

/**
 * ReplayFile, as the seed names it: with `console`, the interactive replay console; without, every
 * record is applied and the RoundState they rebuild is printed (the seed's `replay`).
 */
async function replayFile(file: WalFile, validators: number, interactive: boolean): Promise<void> {
  const r = new WalReplay(file, validators);
  if (!interactive) {
    r.next(r.total);
    console.log(`#${r.state.applied}/${r.total} records applied\n${r.short()}\n${r.proposalsText()}\n${r.votesText()}`);
    return;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const show = () => console.log(`#${r.state.applied}/${r.total} ${r.state.lastLine ? r.state.lastLine.text : '(start)'}  [${r.short()}]`);
  console.log(`${r.total} records. Commands: next [N], back [N], rs [short|votes|proposal], n, quit`);
  for await (const input of rl) {
    const [cmd, arg] = input.trim().split(/\s+/);
    const n = arg && /^\d+$/.test(arg) ? Number(arg) : 1;
    if (cmd === 'next' || cmd === '') {
      r.next(n);
      show();
    } else if (cmd === 'back') {
      r.back(n);
      show();
    } else if (cmd === 'rs') {
      if (arg === 'short') console.log(r.short());
      else if (arg === 'votes') console.log(r.votesText());
      else if (arg === 'proposal') console.log(r.proposalsText());
      else console.log(`${r.short()}\n${r.proposalsText()}\n${r.votesText()}`);
    } else if (cmd === 'n') console.log(r.state.applied);
    else if (cmd === 'quit' || cmd === 'exit' || cmd === 'q') break;
    else console.log('commands: next [N], back [N], rs [short|votes|proposal], n, quit');
  }
  rl.close();
}

export async function runWalCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      genesis: { type: 'string' },
      pubkey: { type: 'string', multiple: true, default: [] },
      'chain-id': { type: 'string' },
      validators: { type: 'string', default: '0' },
      playback: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0) {
    console.error(`prevote wal ${sub ?? ''}: no FILE given\n\n${WAL_HELP}`);
    return 2;
  }
  let worst = 0;
  for (const path of sub === 'inspect' ? positionals : positionals.slice(0, 1)) {
    let l: Loaded;
    try {
      l = load(path);
    } catch (e) {
      console.error(`prevote wal: ${(e as Error).message}`);
      return 2;
    }
    const file = readWal(l.bytes);
    switch (sub) {
      case 'inspect':
        inspect(l, file, values.json as boolean);
        break;
      case 'export':
        exportJson(file);
        break;
      case 'verify': {
        const keys: Uint8Array[] = (values.pubkey as string[]).map(fromBase64);
        let chainId = values['chain-id'] as string | undefined;
        if (values.genesis) {
          const g = genesisValidatorKeys(readFileSync(values.genesis as string, 'utf8'));
          keys.push(...g.keys.map((k) => k.pubKey));
          chainId ??= g.chainId ?? undefined;
        }
        if (chainId === undefined) {
          console.error('prevote wal verify: no chain id: give --chain-id or a --genesis that has one');
          return 2;
        }
        if (keys.length === 0) {
          console.error('prevote wal verify: no validator keys: give --genesis or --pubkey');
          return 2;
        }
        const rep = verifyWalSignatures(file, chainId, keys);
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
        await replayFile(file, Number(values.validators), !values.playback);
        break;
      case 'repair': {
        if (!file.corruption) {
          console.log(`${path}: no corruption found; nothing to repair`);
          break;
        }
        if (l.files.length > 1) {
          console.error('prevote wal repair: give the damaged file, not a directory');
          return 2;
        }
        copyFileSync(path, `${path}.CORRUPTED`);
        truncateSync(path, file.goodLength);
        console.log(`${path}: kept ${file.entries.length} records (${file.goodLength} bytes); the original is in ${path}.CORRUPTED`);
        break;
      }
      default:
        console.error(`prevote wal: unknown subcommand '${sub}'\n\n${WAL_HELP}`);
        return 2;
    }
    if (file.corruption && sub !== 'repair') worst = Math.max(worst, 1);
  }
  return worst;
}
