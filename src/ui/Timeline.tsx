// One swimlane per node, aligned in virtual time: step segments, markers for proposal complete,
// polka, lock, valid block, timeouts, commits and evidence; faults shaded over the lanes they
// touch, for as long as they last. Canvas with a d3 time scale; wheel to zoom, drag to pan,
// click a mark to inspect it. Lanes narrow with many nodes, so 100 fit without scrolling (the
// names then show on hover). The canvas is drawn in a worker (timeline-draw.ts): this component
// reads the log, sends the worker what it gained and where to draw, and answers the pointer.
import { useEffect, useMemo, useRef, useState } from 'react';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { zoom, zoomIdentity } from 'd3-zoom';
import type { ZoomTransform } from 'd3-zoom';
import { send, useUi } from './store.js';
import { STEP_COLORS, shortStep } from './colors.js';
import { markAt, readLog } from './timeline-log.js';
import { LEFT, MARKS, deltaOf, isMark, nothingSent } from './timeline-draw.js';
import type { Sent, TimelineView } from './timeline-draw.js';
import type { TimelineMessage } from './timeline.worker.js';
import type { FaultSpan } from '../observe/model.js';

/** A lane's height: full for a classroom's few nodes, down to 4 px so that 100 fit in ~400 px. */
export function laneHeight(nodes: number): number {
  return nodes <= 16 ? 22 : Math.max(4, Math.floor(400 / nodes));
}

/** Fault bands: crashes grey, network faults red, slow links orange, Byzantine behaviour purple. */
const FAULT_COLORS: Record<string, string> = { crash: '#37474f', crashAtWalWrite: '#37474f', partition: '#e53935', silence: '#e53935', dropMessage: '#e53935', delay: '#fb8c00' };
const BYZANTINE_COLOR = '#8e24aa';

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
  const live = useUi((s) => s.mode === 'live');
  const canvas = useRef<HTMLCanvasElement>(null);
  const [transform, setTransform] = useState<ZoomTransform>(zoomIdentity);
  const [width, setWidth] = useState(900);
  const nodes = frame?.nodes.length ?? 0;
  const now = frame?.t ?? 0;
  const origin = frame?.origin ?? 0;
  const ids = frame?.nodes.map((n) => n.id).join(' ') ?? '';
  const lanes = useMemo(() => new Map(ids ? ids.split(' ').map((id, i) => [id, i] as const) : []), [ids]);
  const log = readLog(events, lanes, origin, isMark);
  const marks = log.marks;
  const LANE = laneHeight(nodes);
  /** a segment's inset within its lane, and the fault band's height */
  const PAD = LANE >= 12 ? 3 : 0;
  const BAND = LANE >= 12 ? 4 : 1;
  const height = 24 + nodes * LANE;
  const base = scaleLinear().domain([0, Math.max(now, 1000)]).range([LEFT, width - 10]);
  const x = transform.rescaleX(base);

  const worker = useRef<Worker | null>(null);
  /** what the worker has of the log, and the inputs of its last draw */
  const sent = useRef<Sent>(nothingSent());
  const drawn = useRef<readonly unknown[]>([]);

  useEffect(() => {
    const c = canvas.current!;
    const ro = new ResizeObserver(() => setWidth(c.parentElement!.clientWidth - 16));
    ro.observe(c.parentElement!);
    const z = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([1, 5000])
      .on('zoom', (ev) => setTransform(ev.transform));
    select(c).call(z);
    const w = new Worker(new URL('./timeline.worker.ts', import.meta.url), { type: 'module' });
    const offscreen = c.transferControlToOffscreen();
    w.postMessage({ canvas: offscreen } satisfies TimelineMessage, [offscreen]);
    worker.current = w;
    return () => {
      ro.disconnect();
      w.terminate();
    };
  }, []);

  useEffect(() => {
    const inputs = [events, frame, lanes, transform, width];
    if (inputs.every((v, i) => Object.is(v, drawn.current[i]))) return;
    drawn.current = inputs;
    const c = canvas.current!;
    [c.style.width, c.style.height] = [`${width}px`, `${height}px`];
    // a crashed node is down, whatever step it was in (from now on, if no crash span says since when)
    const downs = downSpans(frame?.faults ?? [], lanes, now);
    for (let i = 0; i < nodes; i++) {
      const n = frame?.nodes[i];
      if (n && !n.up && !downs.some((d) => d.node === i && d.to >= now)) downs.push({ node: i, from: now, to: now });
    }
    const bands = (frame?.faults ?? [])
      .filter((f) => f.kind !== 'restart' && f.kind !== 'forceTimeout')
      .map((f) => ({ color: FAULT_COLORS[f.kind] ?? BYZANTINE_COLOR, from: f.from, to: f.to ?? now, lanes: laneOf(f, lanes) }));
    // every lane named while the names fit; with narrow lanes every tenth (the rest on hover)
    const names = (frame?.nodes ?? []).map((n, i) => (LANE >= 12 || i % 10 === 0 ? `${n.name}${n.up === false ? ' ✝' : ''}` : null));
    const view: TimelineView = { width, height, dpr: window.devicePixelRatio || 1, domain: x.domain() as [number, number], now, lanes: nodes, lane: LANE, pad: PAD, band: BAND, names, downs, bands };
    worker.current!.postMessage({ delta: deltaOf(log, sent.current), view } satisfies TimelineMessage);
  });

  const onClick = (ev: React.MouseEvent<HTMLCanvasElement>) => {
    const r = ev.currentTarget.getBoundingClientRect();
    const px = ev.clientX - r.left;
    const lane = Math.floor((ev.clientY - r.top - 24) / LANE);
    const best = markAt(marks, lane, px, x);
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
        const name = lane >= 0 && lane < nodes ? (frame?.nodes[lane].name ?? '') : '';
        // live, lane 0 is this tab; a peer's lane is what it told us, when it reached us
        ev.currentTarget.title = live && lane > 0 && name ? `${name}: its steps as its NewRoundStep messages reached this tab` : name;
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
