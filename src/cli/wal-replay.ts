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
      if (arg === 'short') console.log(shortText(p.view()));
      else if (arg === 'votes') console.log(votesText(p.view()));
      else if (arg === 'proposal') console.log(proposalsText(p.view()));
      else console.log(all());
    } else if (cmd === 'n') console.log(r.state.applied);
    else if (cmd === 'quit' || cmd === 'exit' || cmd === 'q') break;
    else console.log('commands: next [N], back [N], rs [short|votes|proposal], n, quit');
  }
  rl.close();
}
