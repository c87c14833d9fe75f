// `prevote wal replay`: the replay console and --playback. The model (src/core/wal/replay.ts)
// keeps plain state; this file only formats it, as the seed's console printed it.
import { createInterface } from 'node:readline/promises';
import { BitArray } from '../core/bits/bit-array.js';
import { SignedMsgType } from '../core/types.js';
import type { WalFile } from '../core/wal/inspect.js';
import { walLine } from '../core/wal/inspect.js';
import type { ReplayProposal, ReplayState } from '../core/wal/replay.js';
import { WalReplay } from '../core/wal/replay.js';

const short = (hex: string) => (hex ? hex.slice(0, 12) : 'nil');

/** `rs short` */
export function shortText(s: ReplayState): string {
  return `${s.height}/${s.round}/${s.step || '-'}`;
}

/** `rs votes`: per round, the bit-array of each vote type split by block. */
export function votesText(s: ReplayState): string {
  const size = s.bitArraySize;
  const rounds = [...new Set(s.votes.map((v) => v.round))].sort((a, b) => a - b);
  const out: string[] = [`HeightVoteSet{H:${s.height} R:0~${s.round}`];
  for (const r of rounds) {
    for (const [type, name] of [
      [SignedMsgType.Prevote, 'Prevotes'],
      [SignedMsgType.Precommit, 'Precommits'],
    ] as const) {
      const set = s.votes.find((v) => v.round === r && v.type === type);
      const all = BitArray.fromIndices(size, set?.voters ?? []);
      const split = (set?.byBlock ?? []).map((b) => `${short(b.block)}:${BitArray.fromIndices(size, b.voters).toString()}`).join(' ');
      out.push(`  R${r} ${name} ${all.toString()}${split ? ` ${split}` : ''}`);
    }
  }
  if (s.outOfRange.length) {
    const idx = [...new Set(s.outOfRange.map((o) => o.index))].sort((a, b) => a - b);
    out.push(`  ${s.outOfRange.length} vote(s) with a validator index beyond the bit-arrays, not drawn: ${idx.slice(0, 5).join(', ')}${idx.length > 5 ? ', …' : ''}`);
  }
  out.push('}');
  return out.join('\n');
}

function proposalText(p: ReplayProposal, height: number): string {
  // v0.10 proposals name no block hash, only the part set header: shown without a block id
  const id = p.blockHash === '' ? '' : p.partsTotal === 0 && p.partsHash === '' ? ' nil' : ` ${short(p.blockHash)}:${p.partsTotal}:${short(p.partsHash)}`;
  return `proposal ${height}/${p.round} pol ${p.polRound}${id}${p.peerId ? ` from ${p.peerId}` : ' (own)'}`;
}

export function proposalsText(s: ReplayState): string {
  return s.proposals.length ? s.proposals.map((p) => `  R${p.round} ${proposalText(p, s.height)}`).join('\n') : '  (no proposal at this height yet)';
}

/**
 * ReplayFile, as the seed names it: with `interactive`, the replay console; without, every record
 * is applied and the RoundState they rebuild is printed (the seed's `replay`).
 */
export async function replayFile(file: WalFile, validators: number, interactive: boolean): Promise<void> {
  const r = new WalReplay(file, validators);
  const all = () => `${shortText(r.state)}\n${proposalsText(r.state)}\n${votesText(r.state)}`;
  if (!interactive) {
    r.next(r.total);
    console.log(`#${r.state.applied}/${r.total} records applied\n${all()}`);
    return;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const show = () => {
    const i = r.lastIndex;
    console.log(`#${r.state.applied}/${r.total} ${i === null ? '(start)' : walLine(file.format, file.entries[i]).text}  [${shortText(r.state)}]`);
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
      if (arg === 'short') console.log(shortText(r.state));
      else if (arg === 'votes') console.log(votesText(r.state));
      else if (arg === 'proposal') console.log(proposalsText(r.state));
      else console.log(all());
    } else if (cmd === 'n') console.log(r.state.applied);
    else if (cmd === 'quit' || cmd === 'exit' || cmd === 'q') break;
    else console.log('commands: next [N], back [N], rs [short|votes|proposal], n, quit');
  }
  rl.close();
}
