// The timeline's drawing, done in its own worker (timeline.worker.ts) on a canvas the page hands
// over: with minutes of a fast chain in view, a draw is thousands of glyphs and rectangles, several
// ms of recording and rasterising that would otherwise fall on the main thread with every update
// (in a live tab, beside libp2p). The page reads the event log (timeline-log.ts) and sends what it
// added since the last draw (TimelineDelta) with what to draw it at (TimelineView); the worker keeps
// its copy of the lanes (TimelineScene) and draws.
import { scaleLinear } from 'd3-scale';
import { STEP_COLORS } from './colors.js';
import { markKey, marksInWindow, shownMarks, shownSegments } from './timeline-log.js';
import type { Segment, TimelineLog } from './timeline-log.js';

/** Where the plot starts (the lane names are left of it). */
export const LEFT = 44;

export const MARKS: Record<string, { shape: string; color: string }> = {
  CompleteProposal: { shape: '◆', color: '#1565c0' },
  Polka: { shape: '▲', color: '#ef6c00' },
  Lock: { shape: '■', color: '#6a1b9a' },
  Relock: { shape: '■', color: '#ab47bc' },
  ValidBlock: { shape: '●', color: '#00897b' },
  TimeoutPropose: { shape: '✕', color: '#c62828' },
  TimeoutWait: { shape: '✕', color: '#c62828' },
  NewBlock: { shape: '★', color: '#2e7d32' },
  Evidence: { shape: '!', color: '#d50000' },
};
/** A mark's kind: its index here. */
export const MARK_KINDS = Object.keys(MARKS);
export const isMark = (type: string): boolean => Object.hasOwn(MARKS, type);

/** A mark as the worker keeps it. */
export interface SceneMark {
  lane: number;
  t: number;
  kind: number;
}

/** What the log gained since the last draw (all of it after a `reset`), and what it dropped. */
export interface TimelineDelta {
  reset: boolean;
  /** how many marks, and each lane's segments, to drop from the front first (TimelineLog.dropped) */
  drop: { marks: number; closed: number[] };
  marks: SceneMark[];
  /** finished segments, by lane */
  closed: [number, Segment][];
  /** each lane's current step (all of them, every time: a handful) */
  open: [number, { from: number; step: string }][];
}

/** How to draw: sizes, the time window (d3 scale domain) and what the frame says of each lane. */
export interface TimelineView {
  width: number;
  height: number;
  dpr: number;
  /** the zoomed time window [t0, t1] mapped onto [LEFT, width - 10] */
  domain: [number, number];
  now: number;
  lanes: number;
  /** a lane's height, a segment's inset within it, a fault band's height */
  lane: number;
  pad: number;
  band: number;
  /** each lane's name as written (null: not written, the lanes being too narrow) */
  names: (string | null)[];
  /** crashed lanes' spans, drawn over their steps */
  downs: { node: number; from: number; to: number }[];
  /** fault bands along the bottom of the lanes they touch */
  bands: { color: string; from: number; to: number; lanes: number[] }[];
}

/**
 * How far the worker has the page's log: which log (readLog's, one per reset), and, counted from
 * the log's start (dropped ones included), the marks and each lane's segments it was sent and
 * how many of those it dropped.
 */
export interface Sent {
  log: TimelineLog | null;
  marks: number;
  /** finished segments, by lane */
  closed: number[];
  dropped: { marks: number; closed: number[] };
}

export const nothingSent = (): Sent => ({ log: null, marks: 0, closed: [], dropped: { marks: 0, closed: [] } });

/** What `log` gained and dropped since `sent` (all of it when it is another log); `sent` then has it all. */
export function deltaOf(log: TimelineLog, sent: Sent): TimelineDelta {
  const reset = sent.log !== log;
  if (reset) Object.assign(sent, nothingSent(), { log });
  // the worker drops what it holds of what the log dropped (some may have come and gone unsent)
  const dropOf = (logDropped: number, sentTo: number, sentDropped: number) => Math.max(0, Math.min(logDropped, sentTo) - sentDropped);
  const drop = { marks: dropOf(log.dropped.marks, sent.marks, sent.dropped.marks), closed: log.closed.map((_, lane) => dropOf(log.dropped.closed[lane] ?? 0, sent.closed[lane] ?? 0, sent.dropped.closed[lane] ?? 0)) };
  sent.dropped.marks = Math.max(sent.dropped.marks, log.dropped.marks);
  const marks = log.marks.slice(Math.max(0, sent.marks - log.dropped.marks)).map((p) => ({ lane: p.lane, t: p.t, kind: MARK_KINDS.indexOf(p.e.type) }));
  sent.marks = log.dropped.marks + log.marks.length;
  const closed: [number, Segment][] = [];
  log.closed.forEach((segs, lane) => {
    const gone = log.dropped.closed[lane] ?? 0;
    for (let i = Math.max(0, (sent.closed[lane] ?? 0) - gone); i < segs.length; i++) closed.push([lane, segs[i]]);
    sent.closed[lane] = gone + segs.length;
    sent.dropped.closed[lane] = Math.max(sent.dropped.closed[lane] ?? 0, gone);
  });
  return { reset, drop, marks, closed, open: [...log.open] };
}

/** The worker's copy of the lanes, kept up to date by deltas. */
export class TimelineScene {
  marks: SceneMark[] = [];
  marksSorted = true;
  closed: Segment[][] = [];
  open = new Map<number, { from: number; step: string }>();

  apply(d: TimelineDelta): void {
    if (d.reset) {
      this.marks = [];
      this.marksSorted = true;
      this.closed = [];
    }
    if (d.drop.marks) this.marks.splice(0, d.drop.marks);
    d.drop.closed.forEach((n, lane) => n && this.closed[lane]?.splice(0, n));
    for (const m of d.marks) {
      const last = this.marks.at(-1);
      if (last && m.t < last.t) this.marksSorted = false;
      this.marks.push(m);
    }
    for (const [lane, s] of d.closed) (this.closed[lane] ??= []).push(s);
    this.open = new Map(d.open);
  }
}

type Context = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Draws the scene at `v` (the canvas already sized to it). */
export function drawTimeline(g: Context, scene: TimelineScene, v: TimelineView): void {
  const { width, height, dpr, now, lane: LANE, pad: PAD, band: BAND } = v;
  const x = scaleLinear().domain(v.domain).range([LEFT, width - 10]);
  const [t0, t1] = v.domain;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, width, height);
  g.font = '11px system-ui, sans-serif';
  g.textBaseline = 'middle';
  // each lane's steps, the current one up to now, in view: only those that show through later ones
  for (let lane = 0; lane < v.lanes; lane++) {
    const cur = scene.open.get(lane);
    const segs = (scene.closed[lane] ?? []).filter((s) => s.to >= t0 && s.from <= t1);
    if (cur && now >= t0 && cur.from <= t1) segs.push({ from: cur.from, to: now, step: cur.step });
    const a = segs.map((s) => Math.max(LEFT, x(s.from)));
    const w = segs.map((s, i) => Math.max(1, Math.min(width - 10, x(s.to)) - a[i]));
    for (const i of shownSegments(segs.length, (i) => a[i] * dpr, (i) => (a[i] + w[i]) * dpr)) {
      g.fillStyle = STEP_COLORS[segs[i].step] ?? '#ddd';
      g.fillRect(a[i], 24 + lane * LANE + PAD, w[i], LANE - 2 * PAD);
    }
  }
  for (const d of v.downs) {
    if (d.to < t0 || d.from > t1) continue;
    const a = Math.max(LEFT, x(d.from));
    const b = Math.min(width - 10, x(d.to));
    g.fillStyle = STEP_COLORS.down;
    g.fillRect(a, 24 + d.node * LANE + PAD, Math.max(1, b - a), LANE - 2 * PAD);
  }
  // faults as a band along the bottom of each lane they touch, so the steps stay readable
  for (const f of v.bands) {
    if (f.to < t0 || f.from > t1) continue;
    const a = Math.max(LEFT, x(f.from));
    const b = Math.min(width - 10, x(f.to));
    g.fillStyle = f.color;
    for (const n of f.lanes) g.fillRect(a, 24 + (n + 1) * LANE - PAD - BAND, Math.max(2, b - a), BAND);
  }
  // the marks in view, in log order; one drawn again at the same pixel of its lane covers the first
  const [from, to] = marksInWindow(scene, t0, t1);
  const inView = scene.marks.slice(from, to).filter((p) => p.t >= t0 && p.t <= t1);
  const at = inView.map((p) => x(p.t));
  let color = '';
  for (const i of shownMarks(inView.length, (i) => markKey(inView[i].lane, inView[i].kind, Math.round(at[i] * dpr)))) {
    const p = inView[i];
    const m = MARKS[MARK_KINDS[p.kind]];
    if (m.color !== color) g.fillStyle = color = m.color; // parsed on every set
    g.fillText(m.shape, at[i] - 4, 24 + p.lane * LANE + LANE / 2);
  }
  g.fillStyle = '#333';
  v.names.forEach((name, i) => name !== null && g.fillText(name, 4, 24 + i * LANE + LANE / 2));
  for (const tick of x.ticks(8)) {
    g.fillStyle = '#777';
    g.fillText(`${(tick / 1000).toFixed(tick % 1000 ? 1 : 0)}s`, x(tick) - 8, 10);
    g.fillStyle = '#eee';
    g.fillRect(x(tick), 18, 1, height - 18);
  }
  g.fillStyle = '#d00';
  g.fillRect(x(now), 18, 1.5, height - 18);
}
