// HeightVoteSet of the selected node: for every round, prevotes and precommits per validator
// (no vote / nil / a lettered block), with the voting power per block against the +2/3 line.
// Canvas, because 100 validators × many rounds is thousands of cells. The grid fits its panel:
// columns narrow down to one pixel per validator (then the hovered column is drawn magnified),
// so the power bars and the +2/3 line at the end of each row always stay in view.
import { useEffect, useRef, useState } from 'react';
import { sizeCanvas } from './canvas.js';
import { useUi } from './store.js';
import { NIL_COLOR, positionText } from './colors.js';
import { blockMark, chainsOf } from './classroom/chains.js';
import type { Chains } from './classroom/chains.js';
import type { RoundStateView, VoteSetSnapshot } from '../observe/model.js';
import { bitArrayString, blockIdShort } from '../observe/format.js';
import { nameOf, validatorNames } from './names.js';
import type { ValidatorName } from './names.js';
import { VirtualTable } from './classroom/VirtualRows.js';

/** Sizes in CSS px: normal, and for a projector. */
const SIZES = {
  normal: { cell: 18, label: 112, bar: 150, head: 22, font: 11 },
  presenter: { cell: 30, label: 170, bar: 200, head: 30, font: 16 },
};
/** Narrower than this, a column has no letter: colour only, and the hovered one is magnified. */
const LETTERED = 10;

interface Row {
  label: string;
  /** the height its votes are for, and each block's full hash: letters are per height (chains.ts) */
  height: number;
  hashes: Map<string, string>;
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
  const row = (label: string, height: number, vs: VoteSetSnapshot): Row => {
    const cells: (string | null)[] = new Array(n).fill(null);
    const tallies = vs.tallies.map((t) => ({ block: blockIdShort(t.blockId), power: Number(t.power), voters: t.bitArray.indices }));
    for (const t of tallies) for (const i of t.voters) cells[i] = t.block;
    const hashes = new Map(vs.tallies.map((t) => [blockIdShort(t.blockId), t.blockId.hash]));
    const majority = vs.twoThirdsMajority ? blockIdShort(vs.twoThirdsMajority) : null;
    return { label, height, hashes, cells, tallies: tallies.map(({ block, power }) => ({ block, power })), total, bitArray: bitArrayString(vs.bitArray), majority };
  };
  // the precommits that committed the previous height (they go into this height's block)
  if (rs.lastCommit && rs.lastCommit.bitArray.size > 0 && rs.lastCommit.tallies.length) rows.push(row(`LastCommit H${rs.height - 1} R${rs.lastCommit.round}`, rs.height - 1, rs.lastCommit));
  for (const r of [...rs.votes].sort((a, b) => a.round - b.round)) {
    for (const [name, vs] of [
      ['prevotes', r.prevotes],
      ['precommits', r.precommits],
    ] as const) {
      rows.push(row(`R${r.round} ${name}`, rs.height, vs));
    }
  }
  return rows;
}

/** A cell's letter and colour: nil is ∅; a block has its letter of the whole page (chains.ts). */
function markOf(chains: Chains, row: Row, block: string): { letter: string; color: string } {
  return block === 'nil' ? { letter: '∅', color: NIL_COLOR } : blockMark(chains, row.height, row.hashes.get(block) ?? block);
}

/** What a column is called: the node's name ("n2"), or `v{index}` until it is known. */
export function columnTitle(v: ValidatorName): string {
  return `${v.name} (validator ${v.index}, ${v.address.slice(0, 12).toUpperCase()})`;
}

/** Column width for n validators in `width` px: the full cell when it fits, down to 1 px. */
export function columnWidth(n: number, width: number, size: { cell: number; label: number; bar: number }): number {
  const room = width - size.label - size.bar - 16;
  return Math.max(1, Math.min(size.cell, Math.floor(room / Math.max(1, n))));
}

export function VoteGrid() {
  const rs = useUi((s) => s.frame?.roundState ?? null);
  const frame = useUi((s) => s.frame);
  const events = useUi((s) => s.events);
  const presenter = useUi((s) => s.presenter);
  const tables = useUi((s) => !s.presenter || s.presenterTables);
  const selected = useUi((s) => nameOf(s.frame, s.frame?.selected ?? ''));
  const canvas = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLElement>(null);
  /** what the canvas shows: a frame that changes none of it (most, at 100 validators) draws nothing */
  const drawn = useRef('');
  const [width, setWidth] = useState(800);
  const [hover, setHover] = useState<number | null>(null);
  // a projector's grid: large cells, and a tally bar that shares a narrow panel
  const size = presenter ? { ...SIZES.presenter, bar: Math.max(90, Math.min(SIZES.presenter.bar, Math.round(width * 0.28))) } : SIZES.normal;
  const rows = rs ? voteRows(rs) : [];
  const n = rs?.validators.length ?? 0;
  const col = columnWidth(n, width, size);
  const names = validatorNames(frame, rs, events);
  const chains = chainsOf(events);
  const labels = names.map((v) => v.name).join(' ');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth - 16));
    ro.observe(el);
    return () => ro.disconnect();
  }, [rs === null]);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !rs) return;
    const key = `${col} ${hover} ${size.bar} ${size.cell} ${labels}|${rows.map((r) => `${r.label}:${r.cells.join(',')}:${r.tallies.map((t) => `${t.block}=${t.power}${markOf(chains, r, t.block).letter}`).join(',')}`).join(';')}`;
    if (key === drawn.current && c.width > 0) return;
    drawn.current = key;
    const { cell, label: LABEL, bar: BAR, head: HEAD, font } = size;
    const dpr = window.devicePixelRatio || 1;
    const w = LABEL + n * col + 16 + BAR;
    const h = HEAD + rows.length * cell;
    sizeCanvas(c, w, h, dpr);
    const g = c.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    g.textBaseline = 'middle';
    g.fillStyle = '#444';
    // columns are validators in the set's order (power, then address): each labelled with its node's name
    g.textAlign = 'center';
    const names = labels.split(' ');
    const every = col >= size.cell ? 1 : Math.ceil((font * 2.4) / col);
    for (let i = 0; i < n; i++) {
      if (i % every !== 0) continue;
      const label = names[i] ?? `v${i}`;
      g.font = `${Math.round(font * (label.length > 3 ? 0.75 : label.length > 2 ? 0.85 : 1))}px system-ui, sans-serif`;
      g.fillText(label, LABEL + i * col + col / 2, HEAD / 2, every * col - 2); // squeezed, never over the next
    }
    g.textAlign = 'left';
    g.font = `${font}px system-ui, sans-serif`;
    rows.forEach((row, y) => {
      const top = HEAD + y * cell;
      g.fillStyle = '#333';
      g.fillText(row.label, 4, top + cell / 2, LABEL - 8); // "LastCommit H12345 R0" fits its column
      row.cells.forEach((block, i) => {
        const x = LABEL + i * col;
        if (block === null) {
          g.strokeStyle = '#ccd';
          if (col >= LETTERED) g.strokeRect(x + 2.5, top + 2.5, col - 5, cell - 5);
          else {
            g.fillStyle = '#eef0f3';
            g.fillRect(x, top + 1, col, cell - 2);
          }
          return;
        }
        const { letter, color } = markOf(chains, row, block);
        g.fillStyle = color;
        if (col >= LETTERED) {
          g.fillRect(x + 1, top + 1, col - 2, cell - 2);
          g.fillStyle = '#fff';
          g.fillText(letter, x + col / 2 - font * 0.3, top + cell / 2 + 1);
        } else g.fillRect(x, top + 1, col, cell - 2);
      });
      // tallies against the +2/3 line
      const bx = LABEL + n * col + 12;
      let acc = 0;
      for (const t of row.tallies) {
        const wpx = (t.power / row.total) * BAR;
        g.fillStyle = markOf(chains, row, t.block).color;
        g.fillRect(bx + (acc / row.total) * BAR, top + 4, wpx, cell - 8);
        acc += t.power;
      }
      g.strokeStyle = '#999';
      g.strokeRect(bx + 0.5, top + 3.5, BAR, cell - 7);
      const q = bx + (2 / 3) * BAR;
      g.strokeStyle = '#c00';
      g.beginPath();
      g.moveTo(q + 0.5, top + 1);
      g.lineTo(q + 0.5, top + cell - 1);
      g.stroke();
    });
    // narrow columns: the hovered validator's column at full size, over its neighbours
    if (hover !== null && hover < n && col < LETTERED) {
      const x = Math.min(w - cell - BAR - 16, Math.max(LABEL, LABEL + hover * col + col / 2 - cell / 2));
      g.fillStyle = '#fff';
      g.fillRect(x - 2, 0, cell + 4, h);
      g.strokeStyle = '#111';
      g.strokeRect(x - 1.5, 0.5, cell + 3, h - 1);
      g.fillStyle = '#111';
      g.textAlign = 'center';
      g.fillText(names[hover] ?? `v${hover}`, x + cell / 2, HEAD / 2);
      rows.forEach((row, y) => {
        const top = HEAD + y * cell;
        const block = row.cells[hover];
        if (block === null) {
          g.strokeStyle = '#ccd';
          g.strokeRect(x + 2.5, top + 2.5, cell - 5, cell - 5);
          return;
        }
        const { letter, color } = markOf(chains, row, block);
        g.fillStyle = color;
        g.fillRect(x + 1, top + 1, cell - 2, cell - 2);
        g.fillStyle = '#fff';
        g.fillText(letter, x + cell / 2, top + cell / 2 + 1);
      });
      g.textAlign = 'left';
    }
  }, [rs, rows, n, labels, col, size, hover, chains]);

  if (!rs) return <section className="panel votes" ref={box}><h2>HeightVoteSet</h2><p className="muted">{selected} is down.</p></section>;
  const legend = new Map<string, { letter: string; color: string }>();
  for (const r of rows) for (const t of r.tallies) legend.set(t.block, markOf(chains, r, t.block));
  const { cell, label: LABEL, head: HEAD } = size;
  return (
    <section className="panel votes" data-testid="vote-grid" ref={box}>
      <h2>
        HeightVoteSet of {selected} <span className="muted">{positionText(rs, true)}</span>
      </h2>
      <canvas ref={canvas} data-column={col} onMouseLeave={() => setHover(null)} onMouseMove={(e) => {
        // hover: the row's raw CometBFT bit-array and this validator's vote
        const r = e.currentTarget.getBoundingClientRect();
        const row = rows[Math.floor((e.clientY - r.top - HEAD) / cell)];
        const i = Math.floor((e.clientX - r.left - LABEL) / col);
        const inGrid = i >= 0 && i < n;
        if ((inGrid ? i : null) !== hover) setHover(inGrid ? i : null);
        const vote = row && inGrid ? ` · ${columnTitle(names[i])}: ${row.cells[i] === null ? 'no vote' : row.cells[i] === 'nil' ? 'nil' : `block ${row.cells[i]}`}` : '';
        e.currentTarget.title = row ? `${row.label} ${row.bitArray}${vote}` : inGrid ? columnTitle(names[i]) : '';
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
      {tables && (
        <VirtualTable className="bits" testId="vote-bits" rows={rows} rowHeight={20} maxHeight={presenter ? 200 : 320} row={(r) => (
          <tr key={r.label} title={r.bitArray}>
            <td>{r.label}</td>
            <td><code>{r.bitArray}</code></td>
            <td>{r.majority ? `+2/3 for ${r.majority}` : ''}</td>
          </tr>
        )} />
      )}
    </section>
  );
}
