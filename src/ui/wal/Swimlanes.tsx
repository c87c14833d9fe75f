// Several nodes' WALs on one time axis (observe/merge.ts through the worker): one swimlane per file,
// each record a mark in the row of its kind (steps and timeouts, proposal and parts, prevotes,
// precommits); the node's own messages full height, received ones short. Times are corrected by
// each file's estimated clock skew, shown beside its name. Click a mark: its record, and for a
// receipt the send it is linked to, highlighted with a line. Canvas (a group of WALs is hundreds
// of thousands of marks); wheel to zoom, drag to pan, as the step timeline. The marks are drawn
// when the files or the zoom change; the position and the pick on a canvas above them, so stepping
// through a large group redraws two lines, not every record.
import { useEffect, useMemo, useRef, useState } from 'react';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { zoom, zoomIdentity } from 'd3-zoom';
import type { ZoomTransform } from 'd3-zoom';
import { MERGED_KINDS } from '../../observe/wal-debugger.js';
import type { MergedView } from '../../observe/wal-debugger.js';
import { useUi } from '../store.js';
import { pick, walSend, watch } from './debugger.js';
import { clock, SignatureMark } from './ReplayConsole.js';
import { useWal } from './state.js';

const TOP = 22;
const LANE = 48;
const ROW = 10;
const LEFT = 170;
/** the row each kind is drawn in (MERGED_KINDS order) */
const ROW_OF = [0, 0, 0, 1, 1, 2, 3];
const COLORS = ['#90a4ae', '#c62828', '#2e7d32', '#1565c0', '#64b5f6', '#ef6c00', '#6a1b9a'];
const ROW_NAMES = ['steps · timeouts · EndHeight', 'proposals · parts', 'prevotes', 'precommits'];

/** How a file's clock compares with the first file's (the reference). */
export function skewText(skew: number | null, lane: number, apart: number | null = null, records = 1): string {
  if (records === 0) return 'no records: nothing to place';
  if (lane === 0) return 'reference clock';
  if (skew === null && apart !== null) return `no link to the others, no time in common: drawn from the first file's start (${durationText(apart)} ${apart > 0 ? 'later' : 'earlier'})`;
  if (skew === null) return 'no link to the others: its own clock';
  const r = Math.round(skew);
  return r === 0 ? 'skew 0 ms' : `skew ${r > 0 ? '+' : '−'}${Math.abs(r)} ms (${r > 0 ? 'ahead' : 'behind'})`;
}

/** The same, short enough for the lane's label (the list under the lanes says it in full). */
function skewLabel(skew: number | null, lane: number, apart: number | null, records: number): string {
  if (records === 0) return 'no records';
  if (lane > 0 && skew === null) return apart !== null ? "no link: moved to the start" : 'no link: its own clock';
  return skewText(skew, lane).replace(/ \(.*\)$/, '');
}

/** A span of time in the largest unit that fits it (files years apart, or minutes). */
function durationText(ms: number): string {
  const s = Math.abs(ms) / 1000;
  const [n, unit] = s >= 86_400 * 365 ? [s / (86_400 * 365), 'year'] : s >= 86_400 ? [s / 86_400, 'day'] : s >= 3600 ? [s / 3600, 'hour'] : s >= 60 ? [s / 60, 'minute'] : [s, 'second'];
  const r = Math.round(n * 10) / 10;
  return `${r} ${unit}${r === 1 ? '' : 's'}`;
}

/** A canvas sized for the screen's pixel ratio, cleared. */
function sized(c: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  c.width = width * dpr;
  c.height = height * dpr;
  c.style.width = `${width}px`;
  c.style.height = `${height}px`;
  const g = c.getContext('2d')!;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, width, height);
  return g;
}

const yOf = (lane: number, row: number) => TOP + lane * LANE + 4 + row * ROW;

/** The mark nearest to a point (px) in one lane, within `slack` px; its row preferred. */
function nearest(m: MergedView, lane: number, row: number, t: number, perPx: number, slack = 6): number | null {
  const l = m.lanes[lane];
  let best: number | null = null;
  let bestD = Infinity;
  for (let i = 0; i < l.corrected.length; i++) {
    const d = Math.abs(l.corrected[i] - m.origin - t) / perPx + (ROW_OF[l.kinds[i]] === row ? 0 : slack);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return bestD <= 2 * slack ? best : null;
}

export function Swimlanes() {
  const merged = useWal((s) => s.merged);
  const files = useWal((s) => s.files);
  const selected = useWal((s) => s.selected);
  const picked = useWal((s) => s.picked);
  const applied = useUi((s) => s.frame?.steps ?? 0);
  const canvas = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const [transform, setTransform] = useState<ZoomTransform>(zoomIdentity);
  const [width, setWidth] = useState(900);
  const lanes = merged?.lanes.length ?? 0;
  const height = TOP + lanes * LANE + 4;
  const span = useMemo(() => {
    if (!merged) return 1000;
    let max = 0;
    for (const l of merged.lanes) for (let i = 0; i < l.corrected.length; i++) max = Math.max(max, l.corrected[i] - merged.origin);
    return Math.max(max, 1000);
  }, [merged]);
  const x = useMemo(() => transform.rescaleX(scaleLinear().domain([0, span]).range([LEFT, width - 10])), [transform, span, width]);

  useEffect(() => {
    const c = overlay.current;
    if (!c) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(400, c.parentElement!.clientWidth)));
    ro.observe(c.parentElement!);
    select(c).call(zoom<HTMLCanvasElement, unknown>().scaleExtent([1, 1e6]).on('zoom', (ev) => setTransform(ev.transform)));
    return () => ro.disconnect();
  }, [lanes > 0]);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !merged) return;
    const g = sized(c, width, height);
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    const [t0, t1] = x.domain();
    // the scale by hand in the loop below: a d3 call per record is the slow part on a large group
    const [r0, r1] = x.range();
    const k = (r1 - r0) / (t1 - t0);
    for (const tick of x.ticks(8)) {
      g.fillStyle = '#eee';
      g.fillRect(x(tick), TOP - 4, 1, height - TOP);
      g.fillStyle = '#777';
      g.fillText(`${(tick / 1000).toFixed(tick % 1000 ? 1 : 0)}s`, x(tick) - 8, 9);
    }
    merged.lanes.forEach((l, lane) => {
      g.fillStyle = lane % 2 ? '#fafbfc' : '#f3f6f9';
      g.fillRect(LEFT, TOP + lane * LANE, width - LEFT - 10, LANE - 2);
      // one mark per pixel column, kind and ownership: a zoomed-out group costs a pass, not a draw per record
      const last = new Int32Array(MERGED_KINDS.length * 2).fill(-1);
      for (let i = 0; i < l.corrected.length; i++) {
        const t = l.corrected[i] - merged.origin;
        if (t < t0 || t > t1) continue;
        const px = Math.round(r0 + (t - t0) * k);
        const key = l.kinds[i] * 2 + l.own[i];
        if (last[key] === px) continue;
        last[key] = px;
        g.fillStyle = COLORS[l.kinds[i]];
        g.globalAlpha = l.own[i] ? 1 : 0.55;
        const y = yOf(lane, ROW_OF[l.kinds[i]]);
        g.fillRect(px, l.own[i] ? y : y + 3, l.kinds[i] === 2 ? 2 : 1.5, l.own[i] ? ROW - 2 : ROW - 5);
      }
      g.globalAlpha = 1;
      g.fillStyle = '#333';
      g.fillText(l.node.length > 22 ? `${l.node.slice(0, 21)}…` : l.node, 4, TOP + lane * LANE + 12);
      g.fillStyle = '#6b7580';
      g.fillText(skewLabel(merged.skew[lane], lane, merged.apart[lane], merged.lanes[lane].corrected.length), 4, TOP + lane * LANE + 28, LEFT - 8);
    });
  }, [merged, x, width, height]);

  useEffect(() => {
    const c = overlay.current;
    if (!c || !merged) return;
    const g = sized(c, width, height);
    // the console's position in the replayed file
    const sel = selected === null ? undefined : merged.lanes[selected];
    if (sel && applied > 0 && applied <= sel.corrected.length) {
      g.fillStyle = '#d00';
      g.fillRect(x(sel.corrected[applied - 1] - merged.origin), TOP - 4, 1.5, height - TOP);
    }
    // the picked record, and the send it was received from
    if (picked) {
      const at = (file: number, index: number) => ({ px: x(merged.lanes[file].corrected[index] - merged.origin), py: yOf(file, ROW_OF[merged.lanes[file].kinds[index]]) + 4 });
      const r = at(picked.file, picked.line.index);
      g.strokeStyle = '#111';
      g.lineWidth = 1.5;
      if (picked.sentBy) {
        const s = at(picked.sentBy.file, picked.sentBy.line.index);
        g.beginPath();
        g.moveTo(s.px, s.py);
        g.lineTo(r.px, r.py);
        g.stroke();
        g.beginPath();
        g.arc(s.px, s.py, 5, 0, 2 * Math.PI);
        g.stroke();
      }
      g.beginPath();
      g.arc(r.px, r.py, 5, 0, 2 * Math.PI);
      g.stroke();
    }
  }, [merged, x, width, height, selected, applied, picked]);

  if (!merged || lanes === 0) return null;
  const onClick = (ev: React.MouseEvent<HTMLCanvasElement>) => {
    const r = ev.currentTarget.getBoundingClientRect();
    const lane = Math.floor((ev.clientY - r.top - TOP) / LANE);
    if (lane < 0 || lane >= lanes) return;
    const row = Math.max(0, Math.min(3, Math.floor((ev.clientY - r.top - TOP - lane * LANE - 4) / ROW)));
    const [a, b] = x.domain();
    const i = nearest(merged, lane, row, x.invert(ev.clientX - r.left), (b - a) / (width - LEFT - 10));
    if (i !== null) pick(lane, i);
  };
  const name = (file: number) => files[file]?.name ?? merged.lanes[file].node;
  const at = (file: number, index: number) => ((merged.lanes[file].corrected[index] - merged.origin) / 1000).toFixed(3);
  return (
    <section className="panel swimlanes" aria-label="Merged timeline">
      <h2>
        Merged timeline <span className="muted">one lane per WAL, on one clock · wheel: zoom · drag: pan · click a mark: its record and, for a receipt, its send</span>
      </h2>
      <div className="lanes">
        <canvas ref={canvas} aria-hidden="true" />
        <canvas ref={overlay} onClick={onClick} data-testid="swimlanes" role="img" aria-label={`${lanes} WAL${lanes === 1 ? '' : 's'} on one time axis`} />
      </div>
      <div className="legend">
        {ROW_NAMES.map((n, row) => (
          <span key={n}>{MERGED_KINDS.map((k, i) => ROW_OF[i] === row && <i key={k} style={{ background: COLORS[i] }} title={k} />)} {n}</span>
        ))}
        <span>full height: the node’s own · short: received</span>
      </div>
      <p className="merge-facts" data-testid="merge-facts">
        {lanes} WAL{lanes === 1 ? '' : 's'} on one clock · {merged.links} received votes and proposals linked to their sends · {merged.early} of them before their send once the skew is corrected
      </p>
      <ul className="skews" aria-label="Clock skew per WAL">
        {merged.lanes.map((l, lane) => <li key={lane}><b>{name(lane)}</b>: {skewText(merged.skew[lane], lane, merged.apart[lane], l.corrected.length)}</li>)}
      </ul>
      {picked && (
        <div className="picked" data-testid="picked">
          <div>
            <b>{name(picked.file)}</b> #{picked.line.index} at {at(picked.file, picked.line.index)} s <span className="muted">({clock(picked.line.time)} on its clock)</span>: <SignatureMark verdict={picked.line.verdict} /> {picked.line.text}
            {' '}<button type="button" onClick={() => { watch(picked.file); walSend({ type: 'seekRecord', records: picked.line.index + 1 }); }}>Replay from here</button>
          </div>
          {picked.sentBy && (
            <div>
              sent by <b>{name(picked.sentBy.file)}</b> #{picked.sentBy.line.index} at {at(picked.sentBy.file, picked.sentBy.line.index)} s: {picked.sentBy.line.text} —{' '}
              received {Math.round(merged.lanes[picked.file].corrected[picked.line.index] - merged.lanes[picked.sentBy.file].corrected[picked.sentBy.line.index])} ms later on the corrected clock
            </div>
          )}
        </div>
      )}
    </section>
  );
}
