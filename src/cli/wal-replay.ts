// `prevote wal replay`: the replay console and --playback. The replay (src/core/wal/replay.ts)
// keeps plain state, src/observe/wal.ts projects it into the observation model every source emits;
// this file only formats that projection (with src/observe/format.ts), as the seed's console
// printed it. The record line after next/back is the record's listing (core/wal/inspect.ts walLine).
import { createInterface } from 'node:readline/promises';
import type { WalFile } from '../core/wal/inspect.js';
import { walLine } from '../core/wal/inspect.js';
import { bitArrayString, blockIdShort, shortHash } from '../observe/format.js';
import type { WalProposalView, WalView } from '../observe/wal.js';
import { WalProjection } from '../observe/wal.js';

const short = (hex: string) => (hex ? shortHash(hex) : 'nil');

/** `rs short` */
export function shortText(v: WalView): string {
  const rs = v.roundState;
  return `${rs.height}/${rs.round}/${rs.step === 'RoundStepUnknown' ? '-' : rs.step}`;
}

/** `rs votes`: per round with votes, the bit-array of each vote type split by block. */
export function votesText(v: WalView): string {
  const rs = v.roundState;
  const out: string[] = [`HeightVoteSet{H:${rs.height} R:0~${rs.round}`];
  for (const r of rs.votes) {
    if (!r.prevotes.bitArray.indices.length && !r.precommits.bitArray.indices.length) continue;
    for (const [vs, name] of [
      [r.prevotes, 'Prevotes'],
      [r.precommits, 'Precommits'],
    ] as const) {
      const split = vs.tallies.map((t) => `${short(t.blockId.hash)}:${bitArrayString(t.bitArray)}`).join(' ');
      out.push(`  R${r.round} ${name} ${bitArrayString(vs.bitArray)}${split ? ` ${split}` : ''}`);
    }
  }
  if (v.outOfRange.length) {
    const idx = [...new Set(v.outOfRange.map((o) => o.index))].sort((a, b) => a - b);
    out.push(`  ${v.outOfRange.length} vote(s) with a validator index beyond the bit-arrays, not drawn: ${idx.slice(0, 5).join(', ')}${idx.length > 5 ? ', …' : ''}`);
  }
  out.push('}');
  return out.join('\n');
}

function proposalText(p: WalProposalView, height: number): string {
  // v0.10 proposals name no block hash, only the part set header: shown without a block id
  const id = p.blockId.hash === '' ? '' : ` ${blockIdShort(p.blockId)}`;
  return `proposal ${height}/${p.round} pol ${p.polRound}${id}${p.from === null ? ' (own)' : ` from ${p.from}`}`;
}

export function proposalsText(v: WalView): string {
  return v.proposals.length ? v.proposals.map((p) => `  R${p.round} ${proposalText(p, v.roundState.height)}`).join('\n') : '  (no proposal at this height yet)';
}

const CONSOLE_HELP = 'commands: next [N], back [N], rs [short|votes|proposal], n, help, quit';

/** What is wrong with a console line, in one line (null: nothing); the console stays where it is. */
function consoleMistake(cmd: string, arg: string | undefined, extra: string | undefined): string | null {
  if (!['next', '', 'back', 'rs', 'n', 'help', 'quit', 'exit', 'q'].includes(cmd)) return `unknown command '${cmd}'; ${CONSOLE_HELP}`;
  if (extra !== undefined) return `${cmd}: one argument at most, got '${arg} ${extra}'`;
  if ((cmd === 'next' || cmd === 'back') && arg !== undefined && !/^[1-9]\d{0,8}$/.test(arg)) return `${cmd}: N must be a whole number of records from 1, got '${arg}'`;
  if (cmd === 'rs' && arg !== undefined && !['short', 'votes', 'proposal'].includes(arg)) return `rs: show short, votes or proposal (or all, without an argument), got '${arg}'`;
  if (['n', 'help', 'quit', 'exit', 'q'].includes(cmd) && arg !== undefined) return `${cmd} takes no argument, got '${arg}'`;
  return null;
}

/**
 * ReplayFile, as the seed names it: with `interactive`, the replay console; without, every record
 * is applied and the RoundState they rebuild is printed (the seed's `replay`).
 */
export async function replayFile(file: WalFile, validators: number, interactive: boolean, node = 'wal'): Promise<void> {
  const p = new WalProjection(file, { node, validators });
  const r = p.replay;
  const all = (v = p.view()) => `${shortText(v)}\n${proposalsText(v)}\n${votesText(v)}`;
  if (!interactive) {
    r.next(r.total);
    console.log(`#${r.state.applied}/${r.total} records applied\n${all()}`);
    return;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const show = () => {
    const i = r.lastIndex;
    console.log(`#${r.state.applied}/${r.total} ${i === null ? '(start)' : walLine(file.format, file.entries[i]).text}  [${shortText(p.view())}]`);
  };
  console.log(`${r.total} records. ${CONSOLE_HELP.replace('commands', 'Commands')}`);
  for await (const input of rl) {
    const [cmd, arg, extra] = input.trim().split(/\s+/);
    const bad = consoleMistake(cmd, arg, extra);
    if (bad) {
      console.log(bad);
      continue;
    }
    const n = arg ? Number(arg) : 1;
    if (cmd === 'next' || cmd === '') {
      r.next(n);
      show();
    } else if (cmd === 'back') {
      r.back(n);
      show();
    } else if (cmd === 'rs') {
      if (arg === 'short') console.log(shortText(p.view()));
      else if (arg === 'votes') console.log(votesText(p.view()));
      else if (arg === 'proposal') console.log(proposalsText(p.view()));
      else console.log(all());
    } else if (cmd === 'n') console.log(r.state.applied);
    else if (cmd === 'help') console.log(CONSOLE_HELP);
    else if (cmd === 'quit' || cmd === 'exit' || cmd === 'q') break;
  }
  rl.close();
}
