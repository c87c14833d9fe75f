// HeightVoteSet of the selected node: for every round, prevotes and precommits per validator
// (no vote / nil / a lettered block), with the voting power per block against the +2/3 line.
// Canvas, because 100 validators × many rounds is thousands of cells.
import { useEffect, useRef } from 'react';
import { useUi } from './store.js';
import { BlockLetters } from './colors.js';
import type { RoundStateView, VoteSetSnapshot } from '../observe/model.js';
import { bitArrayString, blockIdShort } from '../observe/format.js';
import { nameOf, validatorNames } from './names.js';
import type { ValidatorName } from './names.js';

const CELL = 18;
const LABEL = 112;
const BAR = 150;

interface Row {
  label: string;
  cells: (string | null)[]; // block per validator, null = no vote
  tallies: { block: string; power: number }[];
  total: number;
  bitArray: string;
  majority: string | null;
}

export function voteRows(rs: RoundStateView): Row[] {
  const n = rs.validators.length;
  const total = rs.validators.reduce((s, v) => s + Number(v.votingPower), 0);
  const rows: Row[] = [];
  const row = (label: string, vs: VoteSetSnapshot): Row => {
    const cells: (string | null)[] = new Array(n).fill(null);
    const tallies = vs.tallies.map((t) => ({ block: blockIdShort(t.blockId), power: Number(t.power), voters: t.bitArray.indices }));
    for (const t of tallies) for (const i of t.voters) cells[i] = t.block;
    const majority = vs.twoThirdsMajority ? blockIdShort(vs.twoThirdsMajority) : null;
    return { label, cells, tallies: tallies.map(({ block, power }) => ({ block, power })), total, bitArray: bitArrayString(vs.bitArray), majority };
  };
  // the precommits that committed the previous height (they go into this height's block)
  if (rs.lastCommit && rs.lastCommit.bitArray.size > 0 && rs.lastCommit.tallies.length) rows.push(row(`LastCommit H${rs.height - 1} R${rs.lastCommit.round}`, rs.lastCommit));
  for (const r of [...rs.votes].sort((a, b) => a.round - b.round)) {
    for (const [name, vs] of [
      ['prevotes', r.prevotes],
      ['precommits', r.precommits],
    ] as const) {
      rows.push(row(`R${r.round} ${name}`, vs));
    }
  }
  return rows;
}

/** What a column is called: the node's name ("n2"), or `v{index}` until it is known. */
export function columnTitle(v: ValidatorName): string {
  return `${v.name} (validator ${v.index}, ${v.address.slice(0, 12).toUpperCase()})`;
}

export function VoteGrid() {
  const rs = useUi((s) => s.frame?.roundState ?? null);
  const frame = useUi((s) => s.frame);
  const events = useUi((s) => s.events);
  const selected = useUi((s) => nameOf(s.frame, s.frame?.selected ?? ''));
  const canvas = useRef<HTMLCanvasElement>(null);
  const rows = rs ? voteRows(rs) : [];
  const n = rs?.validators.length ?? 0;
  const names = validatorNames(frame, rs, events);
  const labels = names.map((v) => v.name).join(' ');

  useEffect(() => {
    const c = canvas.current;
    if (!c || !rs) return;
    const dpr = window.devicePixelRatio || 1;
    const w = LABEL + n * CELL + 16 + BAR;
    const h = 22 + rows.length * CELL;
    c.width = w * dpr;
    c.height = h * dpr;
    c.style.width = `${w}px`;
    c.style.height = `${h}px`;
    const g = c.getContext('2d')!;
    g.scale(dpr, dpr);
    g.clearRect(0, 0, w, h);
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    g.fillStyle = '#444';
    // columns are validators in the set's order (power, then address): each labelled with its node's name
    g.textAlign = 'center';
    const names = labels.split(' ');
    for (let i = 0; i < n; i++) {
      if (!(n <= 40 || i % 10 === 0)) continue;
      const label = names[i] ?? `v${i}`;
      g.font = `${label.length > 3 ? 8 : label.length > 2 ? 9 : 11}px system-ui, sans-serif`;
      g.fillText(label, LABEL + i * CELL + CELL / 2, 10);
    }
    g.textAlign = 'left';
    g.font = '11px system-ui, sans-serif';
    const letters = new BlockLetters();
    rows.forEach((row, y) => {
      const top = 22 + y * CELL;
      g.fillStyle = '#333';
      g.fillText(row.label, 4, top + CELL / 2);
      row.cells.forEach((block, i) => {
        const x = LABEL + i * CELL;
        if (block === null) {
          g.strokeStyle = '#ccd';
          g.strokeRect(x + 2.5, top + 2.5, CELL - 5, CELL - 5);
          return;
        }
        const { letter, color } = letters.of(block);
        g.fillStyle = color;
        g.fillRect(x + 1, top + 1, CELL - 2, CELL - 2);
        g.fillStyle = '#fff';
        g.fillText(letter, x + 5, top + CELL / 2 + 1);
      });
      // tallies against the +2/3 line
      const bx = LABEL + n * CELL + 12;
      let acc = 0;
      for (const t of row.tallies) {
        const wpx = (t.power / row.total) * BAR;
        g.fillStyle = letters.of(t.block).color;
        g.fillRect(bx + (acc / row.total) * BAR, top + 4, wpx, CELL - 8);
        acc += t.power;
      }
      g.strokeStyle = '#999';
      g.strokeRect(bx + 0.5, top + 3.5, BAR, CELL - 7);
      const q = bx + (2 / 3) * BAR;
      g.strokeStyle = '#c00';
      g.beginPath();
      g.moveTo(q + 0.5, top + 1);
      g.lineTo(q + 0.5, top + CELL - 1);
      g.stroke();
    });
  }, [rs, rows, n, labels]);

  if (!rs) return <section className="panel votes"><h2>HeightVoteSet</h2><p className="muted">{selected} is down.</p></section>;
  const letters = new BlockLetters();
  const legend = new Map<string, { letter: string; color: string }>();
  for (const r of rows) for (const t of r.tallies) legend.set(t.block, letters.of(t.block));
  return (
    <section className="panel votes" data-testid="vote-grid">
      <h2>
        HeightVoteSet of {selected} <span className="muted">height {rs.height}, round {rs.round}, {rs.step.replace('RoundStep', '')}</span>
      </h2>
      <canvas ref={canvas} onMouseMove={(e) => {
        // hover: the row's raw CometBFT bit-array and this validator's vote
        const r = e.currentTarget.getBoundingClientRect();
        const row = rows[Math.floor((e.clientY - r.top - 22) / CELL)];
        const i = Math.floor((e.clientX - r.left - LABEL) / CELL);
        const vote = row && i >= 0 && i < n ? ` · ${columnTitle(names[i])}: ${row.cells[i] === null ? 'no vote' : row.cells[i] === 'nil' ? 'nil' : `block ${row.cells[i]}`}` : '';
        e.currentTarget.title = row ? `${row.label} ${row.bitArray}${vote}` : '';
      }} data-testid="vote-canvas" />
      <div className="columns sr-only" data-testid="vote-columns">
        {names.map((v) => <span key={v.index} title={columnTitle(v)} data-testid="vote-column">{v.name}</span>)}
      </div>
      <div className="legend">
        {[...legend].map(([block, { letter, color }]) => (
          <span key={block}><i style={{ background: color }}>{letter}</i> {block}</span>
        ))}
        <span><i className="empty" /> no vote</span>
        <span><b style={{ color: '#c00' }}>|</b> 2/3 of voting power</span>
      </div>
      <table className="bits" data-testid="vote-bits">
        <tbody>
          {rows.map((r) => (
            <tr key={r.label} title={r.bitArray}>
              <td>{r.label}</td>
              <td><code>{r.bitArray}</code></td>
              <td>{r.majority ? `+2/3 for ${r.majority}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
