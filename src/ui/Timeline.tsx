// One swimlane per node, aligned in virtual time: step segments, markers for proposal complete,
// polka, lock, valid block, timeouts, commits and evidence; faults shaded over the lanes they
// touch, for as long as they last. Canvas with a d3 time scale; wheel to zoom, drag to pan,
// click a mark to inspect it. Lanes narrow with many nodes, so 100 fit without scrolling (the
// names then show on hover).
import { useEffect, useMemo, useRef, useState } from 'react';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { zoom, zoomIdentity } from 'd3-zoom';
import type { ZoomTransform } from 'd3-zoom';
import { send, useUi } from './store.js';
import { STEP_COLORS, shortStep } from './colors.js';
import { sizeCanvas } from './canvas.js';
import type { FaultSpan, ObsEvent } from '../observe/model.js';

const LEFT = 44;
/** A lane's height: full for a classroom's few nodes, down to 4 px so that 100 fit in ~400 px. */
export function laneHeight(nodes: number): number {
  return nodes <= 16 ? 22 : Math.max(4, Math.floor(400 / nodes));
}
const MARKS: Record<string, { shape: string; color: string }> = {
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

/** Fault bands: crashes grey, network faults red, slow links orange, Byzantine behaviour purple. */
const FAULT_COLORS: Record<string, string> = { crash: '#37474f', crashAtWalWrite: '#37474f', partition: '#e53935', silence: '#e53935', dropMessage: '#e53935', delay: '#fb8c00' };
const BYZANTINE_COLOR = '#8e24aa';

interface Segment {
  node: number;
  from: number;
  to: number;
  step: string;
}

/** An event where the timeline draws it: its node's lane and ms since the origin. */
interface Placed {
  lane: number;
  t: number;
  e: ObsEvent;
}

/**
 * The marks and the finished step segments, read from the event log once per event: between
 * resets the log only grows (at 100 validators it grows by thousands of events a second, and
 * re-reading all of it every frame was most of a frame's work).
 */
interface Drawn {
  first: ObsEvent | undefined;
  lanes: Map<string, number>;
  origin: number;
  done: number;
  marks: Placed[];
  closed: Segment[];
  open: Map<number, { from: number; step: string }>;
}
let drawn: Drawn | null = null;

function readLog(events: readonly ObsEvent[], lanes: Map<string, number>, origin: number): Drawn {
  if (!drawn || drawn.first !== events[0] || drawn.lanes !== lanes || drawn.origin !== origin || drawn.done > events.length) {
    drawn = { first: events[0], lanes, origin, done: 0, marks: [], closed: [], open: new Map() };
  }
  const d = drawn;
  for (let k = d.done; k < events.length; k++) {
    const e = events[k];
    const lane = lanes.get(e.node);
    if (lane === undefined) continue;
    const t = e.time - origin;
    if (MARKS[e.type]) d.marks.push({ lane, t, e });
    if (e.type !== 'NewRoundStep') continue;
    const cur = d.open.get(lane);
    if (cur) d.closed.push({ node: lane, from: cur.from, to: t, step: cur.step });
    d.open.set(lane, { from: t, step: e.step });
  }
  d.done = events.length;
  return d;
}

/** Every step segment: the finished ones and each lane's current step, up to now. */
function segments(d: Drawn, now: number): Segment[] {
  const out = [...d.closed];
  for (const [node, cur] of d.open) out.push({ node, from: cur.from, to: now, step: cur.step });
  return out;
}

/** Crash spans drawn over the step segments: a crashed node has no step; its lane shows it down. */
export function downSpans(faults: readonly FaultSpan[], lanes: Map<string, number>, now: number): { node: number; from: number; to: number }[] {
  const out: { node: number; from: number; to: number }[] = [];
  for (const f of faults) {
    if (f.kind !== 'crash' && f.kind !== 'crashAtWalWrite') continue;
    for (const id of f.nodes) {
      const lane = lanes.get(id);
      if (lane !== undefined) out.push({ node: lane, from: f.from, to: f.to ?? now });
    }
  }
  return out;
}

const laneOf = (f: FaultSpan, lanes: Map<string, number>) => f.nodes.flatMap((id) => (lanes.has(id) ? [lanes.get(id)!] : []));

export function Timeline() {
  const events = useUi((s) => s.events);
  const frame = useUi((s) => s.frame);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [transform, setTransform] = useState<ZoomTransform>(zoomIdentity);
  const [width, setWidth] = useState(900);
  const nodes = frame?.nodes.length ?? 0;
  const now = frame?.t ?? 0;
  const origin = frame?.origin ?? 0;
  const ids = frame?.nodes.map((n) => n.id).join(' ') ?? '';
  const lanes = useMemo(() => new Map(ids ? ids.split(' ').map((id, i) => [id, i] as const) : []), [ids]);
  const log = readLog(events, lanes, origin);
  const segs = useMemo(() => segments(log, now), [log, events, now]);
  const marks = log.marks;
  const LANE = laneHeight(nodes);
  /** a segment's inset within its lane, and the fault band's height */
  const PAD = LANE >= 12 ? 3 : 0;
  const BAND = LANE >= 12 ? 4 : 1;
  const height = 24 + nodes * LANE;
  const base = scaleLinear().domain([0, Math.max(now, 1000)]).range([LEFT, width - 10]);
  const x = transform.rescaleX(base);

  useEffect(() => {
    const c = canvas.current!;
    const ro = new ResizeObserver(() => setWidth(c.parentElement!.clientWidth - 16));
    ro.observe(c.parentElement!);
    const z = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([1, 5000])
      .on('zoom', (ev) => setTransform(ev.transform));
    select(c).call(z);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const c = canvas.current!;
    const dpr = window.devicePixelRatio || 1;
    sizeCanvas(c, width, height, dpr);
    const g = c.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    const [t0, t1] = x.domain();
    for (const s of segs) {
      if (s.to < t0 || s.from > t1) continue;
      const a = Math.max(LEFT, x(s.from));
      const b = Math.min(width - 10, x(s.to));
      g.fillStyle = STEP_COLORS[s.step] ?? '#ddd';
      g.fillRect(a, 24 + s.node * LANE + PAD, Math.max(1, b - a), LANE - 2 * PAD);
    }
    // a crashed node is down, whatever step it was in
    const downs = downSpans(frame?.faults ?? [], lanes, now);
    for (let i = 0; i < nodes; i++) {
      const n = frame?.nodes[i];
      if (n && !n.up && !downs.some((d) => d.node === i && d.to >= now)) downs.push({ node: i, from: segs.filter((s) => s.node === i).at(-1)?.to ?? now, to: now });
    }
    for (const d of downs) {
      if (d.to < t0 || d.from > t1) continue;
      const a = Math.max(LEFT, x(d.from));
      const b = Math.min(width - 10, x(d.to));
      g.fillStyle = STEP_COLORS.down;
      g.fillRect(a, 24 + d.node * LANE + PAD, Math.max(1, b - a), LANE - 2 * PAD);
    }
    // faults as a band along the bottom of each lane they touch, so the steps stay readable
    for (const f of frame?.faults ?? []) {
      const to = f.to ?? now;
      if (to < t0 || f.from > t1 || f.kind === 'restart' || f.kind === 'forceTimeout') continue;
      const a = Math.max(LEFT, x(f.from));
      const b = Math.min(width - 10, x(to));
      g.fillStyle = FAULT_COLORS[f.kind] ?? BYZANTINE_COLOR;
      for (const n of laneOf(f, lanes)) g.fillRect(a, 24 + (n + 1) * LANE - PAD - BAND, Math.max(2, b - a), BAND);
    }
    for (const p of marks) {
      if (p.t < t0 || p.t > t1) continue;
      const m = MARKS[p.e.type];
      g.fillStyle = m.color;
      g.fillText(m.shape, x(p.t) - 4, 24 + p.lane * LANE + LANE / 2);
    }
    g.fillStyle = '#333';
    // every lane named while the names fit; with narrow lanes every tenth (the rest on hover)
    for (let i = 0; i < nodes; i++) if (LANE >= 12 || i % 10 === 0) g.fillText(`${frame?.nodes[i].name}${frame?.nodes[i].up === false ? ' ✝' : ''}`, 4, 24 + i * LANE + LANE / 2);
    for (const tick of x.ticks(8)) {
      g.fillStyle = '#777';
      g.fillText(`${(tick / 1000).toFixed(tick % 1000 ? 1 : 0)}s`, x(tick) - 8, 10);
      g.fillStyle = '#eee';
      g.fillRect(x(tick), 18, 1, height - 18);
    }
    g.fillStyle = '#d00';
    g.fillRect(x(now), 18, 1.5, height - 18);
  }, [segs, marks, x, width, height, nodes, now, frame, lanes, LANE, PAD, BAND]);

  const onClick = (ev: React.MouseEvent<HTMLCanvasElement>) => {
    const r = ev.currentTarget.getBoundingClientRect();
    const px = ev.clientX - r.left;
    const lane = Math.floor((ev.clientY - r.top - 24) / LANE);
    let best: Placed | null = null;
    for (const p of marks) if (p.lane === lane && Math.abs(x(p.t) - px) < 6 && (!best || Math.abs(x(p.t) - px) < Math.abs(x(best.t) - px))) best = p;
    if (best) useUi.setState({ selectedEvent: best.e });
    else if (ev.shiftKey) send({ type: 'seek', t: Math.max(0, x.invert(px)) });
  };

  return (
    <section className="panel timeline">
      <h2>
        Timeline <span className="muted">wheel: zoom · drag: pan · click a mark: inspect · shift-click: seek there</span>
      </h2>
      <canvas ref={canvas} onClick={onClick} onMouseMove={(ev) => {
        const lane = Math.floor((ev.clientY - ev.currentTarget.getBoundingClientRect().top - 24) / LANE);
        ev.currentTarget.title = lane >= 0 && lane < nodes ? (frame?.nodes[lane].name ?? '') : '';
      }} data-testid="timeline" />
      <div className="legend" data-testid="step-legend">
        {Object.entries(STEP_COLORS).map(([step, color]) => (
          <span key={step}><i style={{ background: color }} /> {step === 'down' ? 'down (crashed)' : shortStep(step)}</span>
        ))}
      </div>
      <div className="legend">
        {Object.entries(MARKS).map(([k, m]) => (
          <span key={k}><b style={{ color: m.color }}>{m.shape}</b> {k}</span>
        ))}
        {([['crashed', FAULT_COLORS.crash], ['cut off, a message dropped', FAULT_COLORS.partition], ['slow links', FAULT_COLORS.delay], ['Byzantine', BYZANTINE_COLOR]] as const).map(([label, color]) => (
          <span key={label}><i style={{ background: color, height: 4 }} /> {label}</span>
        ))}
      </div>
    </section>
  );
}
