// The network: nodes on a circle with their step, proposer (★) and lock; crashed nodes greyed;
// links cut by a partition drawn red and dashed; messages on the wire as short arrows moving from
// sender to receiver. Click a node to watch it; the buttons below break it. In partition mode, drag
// nodes across the dashed line and cut the network between the two sides.
import { useRef, useState } from 'react';
import type { PointerEvent as ReactPointerEvent, ReactElement } from 'react';
import { act, send, useUi } from './store.js';
import { STEP_COLORS } from './colors.js';
import { NodeFaults } from './NodeFaults.js';
import type { Frame, MessageView } from '../observe/model.js';
import { blockIdShort } from '../observe/format.js';
import { indexMap, nameOfAddress, validatorNames } from './names.js';
import { accused } from './evidence.js';

const W = 300;
const H = 280;
const R = 110;

const MESSAGE_COLORS: Record<string, string> = {
  Proposal: '#1565c0',
  BlockPart: '#42a5f5',
  Vote: '#8e24aa',
  VoteSetMaj23: '#ef6c00',
  VoteSetBits: '#ef6c00',
};
const OTHER_MESSAGE = '#9aa0a6';

type Point = { x: number; y: number };

/**
 * Slot i of n on the circle, turned so that no node sits on the vertical line through the centre
 * (the partition mode's dividing line): half a slot for an even n, a quarter for an odd one.
 */
export function circle(i: number, n: number): Point {
  const a = (2 * Math.PI * (i + (n % 2 === 0 ? 0.5 : 0.25))) / n;
  return { x: W / 2 + R * Math.sin(a), y: H / 2 - R * Math.cos(a) };
}

/** Where a dragged node is dropped: never on the dividing line, but clearly on the side it is dropped on. */
export function offTheLine(p: Point): Point {
  const gap = 22;
  if (Math.abs(p.x - W / 2) >= gap) return p;
  return { ...p, x: p.x < W / 2 ? W / 2 - gap : W / 2 + gap };
}

/** A padlock, drawn (an emoji needs an emoji font the projector's machine may not have). */
function LockIcon({ x, y }: { x: number; y: number }) {
  return (
    <g transform={`translate(${x},${y})`} className="lock-icon" data-testid="lock-icon">
      <path d="M1.5 4 V2.6 a2.5 2.5 0 0 1 5 0 V4" fill="none" stroke="#4a148c" strokeWidth={1.2} />
      <rect x={0} y={4} width={8} height={5.5} rx={1} fill="#6a1b9a" />
    </g>
  );
}

/** Where a message is now, on the straight line from sender to receiver. */
function messageAt(m: MessageView, t: number, pos: (id: string) => Point): Point {
  const f = m.arrive > m.sent ? Math.min(1, Math.max(0, (t - m.sent) / (m.arrive - m.sent))) : 1;
  const a = pos(m.from);
  const b = pos(m.to);
  return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
}

export function Network() {
  const frame = useUi((s) => s.frame);
  const events = useUi((s) => s.events);
  const showMessages = useUi((s) => s.showMessages);
  const svg = useRef<SVGSVGElement>(null);
  const [cutting, setCutting] = useState(false);
  /** nodes dragged in partition mode, by index */
  const [moved, setMoved] = useState<Record<number, Point>>({});
  const [dragging, setDragging] = useState<number | null>(null);
  if (!frame) return <section className="panel network" />;
  const n = frame.nodes.length;
  const small = n > 24;
  const index = indexMap(frame);
  const pos = (i: number) => moved[i] ?? circle(i, n);
  const posOf = (id: string) => pos(index.get(id) ?? 0);
  const side = (i: number) => (pos(i).x < W / 2 ? 0 : 1);
  const group = (i: number) => frame.partition?.findIndex((g) => g.includes(frame.nodes[i].id)) ?? 0;

  const toSvg = (e: ReactPointerEvent): Point => {
    const m = svg.current!.getScreenCTM()!.inverse();
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m);
    return offTheLine({ x: Math.max(10, Math.min(W - 10, p.x)), y: Math.max(10, Math.min(H - 10, p.y)) });
  };
  const onDown = (i: number) => (e: ReactPointerEvent) => {
    if (!cutting) return send({ type: 'select', node: frame.nodes[i].id });
    (e.target as Element).setPointerCapture(e.pointerId);
    setDragging(i);
  };
  const onMove = (e: ReactPointerEvent) => {
    if (dragging !== null) setMoved({ ...moved, [dragging]: toSvg(e) });
  };
  const sides = (): number[][] => [0, 1].map((s) => frame.nodes.map((x) => x.index).filter((i) => side(i) === s));
  const cut = (duration?: number) => {
    const groups = sides().filter((g) => g.length > 0);
    if (groups.length === 2) act({ kind: 'partition', groups, duration });
  };

  const links: ReactElement[] = [];
  if (!small) {
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const isCut = frame.partition !== null && group(i) !== group(j);
        const a = pos(i);
        const b = pos(j);
        links.push(<line key={`${i}-${j}`} x1={a.x} y1={a.y} x2={b.x} y2={b.y} className={isCut ? 'link cut' : 'link'} />);
      }
  }
  const [left, right] = sides();
  // nodes that evidence accuses of equivocating: marked Byzantine
  const names = validatorNames(frame, frame.roundState, events);
  const byzantine = new Set([...accused(events)].map((a) => nameOfAddress(names, frame, events, a)));
  const label = (xs: number[]) => `{${xs.map((i) => frame.nodes[i].name).join(',')}}`;
  return (
    <section className="panel network">
      <h2>
        Network <span className="muted">t = {(frame.t / 1000).toFixed(2)} s</span>
        <label className="toggle" title="messages on the wire (turn off at high speed)">
          <input type="checkbox" checked={showMessages} onChange={(e) => useUi.setState({ showMessages: e.target.checked })} data-testid="show-messages" /> messages
        </label>
        <button className={cutting ? 'on' : ''} onClick={() => setCutting(!cutting)} data-testid="partition-mode" title="drag nodes across the line, then cut">
          partition…
        </button>
      </h2>
      <svg ref={svg} viewBox={`0 0 ${W} ${H}`} data-testid="network" onPointerMove={onMove} onPointerUp={() => setDragging(null)}>
        {links}
        {cutting && <line x1={W / 2} y1={0} x2={W / 2} y2={H} className="divider" />}
        {showMessages && <Messages frame={frame} pos={posOf} />}
        {frame.nodes.map((node) => {
          const p = pos(node.index);
          const proposer = frame.nodes.some((o) => o.up && o.proposer === node.id && o.height === node.height);
          return (
            <g key={node.id} transform={`translate(${p.x},${p.y})`} onPointerDown={onDown(node.index)} className={`node${node.id === frame.selected ? ' selected' : ''}${node.up ? '' : ' down'}${cutting ? ` side${side(node.index)}` : ''}${byzantine.has(node.name) ? ' byzantine' : ''}`} data-testid={`node-${node.index}`}>
              {byzantine.has(node.name) && <circle r={small ? 9 : 22} className="byzantine-ring" data-testid="byzantine"><title>{`${node.name} equivocated: evidence against it was found`}</title></circle>}
              <circle r={small ? 6 : 17} fill={STEP_COLORS[node.step] ?? '#ddd'} />
              {!small && <text y={-1}>{node.name}{proposer ? '★' : ''}</text>}
              {!small && <text y={10} className="small">{node.up ? `${node.height}/${node.round}` : 'down'}</text>}
              {!small && node.lockedBlock && (
                <g>
                  <title>{`locked on ${blockIdShort(node.lockedBlock)} (round ${node.lockedRound})`}</title>
                  <LockIcon x={-13} y={22} />
                  <text x={6} y={30} className="small">{blockIdShort(node.lockedBlock).slice(0, 4)}</text>
                </g>
              )}
            </g>
          );
        })}
      </svg>
      {showMessages && (
        <div className="legend">
          {Object.entries({ proposal: 'Proposal', part: 'BlockPart', vote: 'Vote', maj23: 'VoteSetMaj23' }).map(([label, kind]) => (
            <span key={kind}><i style={{ background: MESSAGE_COLORS[kind], borderRadius: 7 }} /> {label}</span>
          ))}
          <span><i style={{ background: OTHER_MESSAGE, borderRadius: 7 }} /> state, HasVote</span>
        </div>
      )}
      {cutting && (
        <div className="buttons" data-testid="partition-tools">
          <span className="muted">{`${label(left)} | ${label(right)}`}</span>
          <button onClick={() => cut(6000)} disabled={!left.length || !right.length} data-testid="cut">cut for 6 s</button>
          <button onClick={() => cut()} disabled={!left.length || !right.length}>cut until healed</button>
          <button onClick={() => setMoved({})}>reset</button>
        </div>
      )}
      {frame.partition && <div className="buttons"><button onClick={() => act({ kind: 'partition', groups: [] })} data-testid="heal">heal the partition</button></div>}
      <NodeFaults frame={frame} />
    </section>
  );
}

function Messages({ frame, pos }: { frame: Frame; pos: (id: string) => Point }) {
  return (
    <g className="messages">
      {frame.inFlight.map((m, k) => {
        const head = messageAt(m, frame.t, pos);
        // the tail points back towards the sender: an arrow of fixed length along the link
        const from = pos(m.from);
        const d = Math.hypot(head.x - from.x, head.y - from.y) || 1;
        const tail = { x: head.x - ((head.x - from.x) / d) * Math.min(12, d), y: head.y - ((head.y - from.y) / d) * Math.min(12, d) };
        const color = MESSAGE_COLORS[m.kind] ?? OTHER_MESSAGE;
        return (
          <g key={k}>
            <line x1={tail.x} y1={tail.y} x2={head.x} y2={head.y} stroke={color} strokeWidth={1.5} />
            <circle cx={head.x} cy={head.y} r={2.4} fill={color} />
          </g>
        );
      })}
    </g>
  );
}
