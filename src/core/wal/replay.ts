// The replay console's model (the seed's `replay_console`, spec §10.6): apply a WAL record by
// record and show what the node knew at that point: its height/round/step, the proposals, and
// the votes of every round of the height as bit-arrays split by what they voted for. Going back
// N records rebuilds from the start, as the seed did. Works for both formats, without the app.
import { BitArray } from '../bits/bit-array.js';
import { toHex } from '../bytes.js';
import type { WalFile, WalLine } from './inspect.js';
import { walLines } from './inspect.js';

interface VoteInfo {
  index: number;
  type: number;
  block: string; // short block id or 'nil'
}

export interface ReplayState {
  applied: number;
  height: number;
  round: number;
  step: string;
  proposals: Map<number, string>; // round -> description
  votes: Map<string, VoteInfo[]>; // `${round}/${type}` -> votes
  lastLine: WalLine | null;
}

const PREVOTE = 1;
const PRECOMMIT = 2;

export class WalReplay {
  private readonly lines: WalLine[];
  private readonly voteFacts: ({ index: number; type: number; block: string } | null)[];
  state: ReplayState = WalReplay.empty();

  constructor(
    file: WalFile,
    private readonly validators = 0,
  ) {
    this.lines = walLines(file);
    this.voteFacts = file.format === 'cometbft'
      ? file.entries.map(({ record: r }) => (r.type === 'msgInfo' && r.msg.kind === 'Vote' ? { index: r.msg.vote.validatorIndex, type: r.msg.vote.type, block: short(r.msg.vote.blockId.hash) } : null))
      : file.entries.map(({ record: r }) => (r.type === 'msgInfo' && r.msg.kind === 'Vote' ? { index: r.msg.validatorIndex, type: r.msg.type, block: short(r.msg.blockId.hash) } : null));
  }

  private static empty(): ReplayState {
    return { applied: 0, height: 0, round: 0, step: '', proposals: new Map(), votes: new Map(), lastLine: null };
  }

  get total(): number {
    return this.lines.length;
  }

  /** Applies up to n more records; returns how many were applied. */
  next(n = 1): number {
    let done = 0;
    while (done < n && this.state.applied < this.lines.length) {
      this.apply(this.state.applied);
      this.state.applied++;
      done++;
    }
    return done;
  }

  /** Goes back n records by replaying from the start. */
  back(n = 1): void {
    const target = Math.max(0, this.state.applied - n);
    this.state = WalReplay.empty();
    this.next(target);
  }

  private apply(i: number): void {
    const line = this.lines[i];
    const s = this.state;
    s.lastLine = line;
    if (line.kind !== 'endHeight' && line.height !== s.height && line.kind === 'roundState') this.enterHeight(line.height);
    switch (line.kind) {
      case 'roundState': {
        const [, , step] = line.text.split('/');
        s.round = line.round ?? 0;
        s.step = step;
        break;
      }
      case 'Proposal':
        if (line.height === s.height) s.proposals.set(line.round ?? 0, line.text);
        break;
      case 'Vote': {
        const v = this.voteFacts[i]!;
        if (line.height !== s.height) break;
        const key = `${line.round}/${v.type}`;
        const list = s.votes.get(key) ?? [];
        if (!list.some((x) => x.index === v.index && x.block === v.block)) list.push(v);
        s.votes.set(key, list);
        break;
      }
    }
  }

  private enterHeight(h: number): void {
    this.state.height = h;
    this.state.proposals.clear();
    this.state.votes.clear();
  }

  /** `rs short` */
  short(): string {
    const s = this.state;
    return `${s.height}/${s.round}/${s.step || '-'}`;
  }

  /** `rs votes`: per round, the bit-array of each vote type split by block. */
  votesText(): string {
    const s = this.state;
    const size = Math.max(this.validators, ...[...s.votes.values()].flat().map((v) => v.index + 1), 0);
    const rounds = [...new Set([...s.votes.keys()].map((k) => Number(k.split('/')[0])))].sort((a, b) => a - b);
    const out: string[] = [`HeightVoteSet{H:${s.height} R:0~${s.round}`];
    for (const r of rounds) {
      for (const [type, name] of [
        [PREVOTE, 'Prevotes'],
        [PRECOMMIT, 'Precommits'],
      ] as const) {
        const votes = s.votes.get(`${r}/${type}`) ?? [];
        const all = BitArray.fromIndices(size, votes.map((v) => v.index));
        const byBlock = new Map<string, number[]>();
        for (const v of votes) byBlock.set(v.block, [...(byBlock.get(v.block) ?? []), v.index]);
        const split = [...byBlock].map(([b, idx]) => `${b}:${BitArray.fromIndices(size, idx).toString()}`).join(' ');
        out.push(`  R${r} ${name} ${all.toString()}${split ? ` ${split}` : ''}`);
      }
    }
    out.push('}');
    return out.join('\n');
  }

  proposalsText(): string {
    const p = [...this.state.proposals].sort((a, b) => a[0] - b[0]);
    return p.length ? p.map(([r, t]) => `  R${r} ${t}`).join('\n') : '  (no proposal at this height yet)';
  }
}

function short(hash: Uint8Array): string {
  return hash.length ? toHex(hash.subarray(0, 6)).toUpperCase() : 'nil';
}
