// The network: nodes on a ring, linked as they gossip (each pair, for direct broadcast), with their step, proposer (★), lock, the timeout each waits on (a
// countdown arc) and its chain (the last blocks it committed, lettered per height: a fork shows
// as two chains); crashed nodes greyed; links cut by a partition drawn red and dashed; messages on
// the wire as short arrows moving from sender to receiver; click one to drop it (recorded like any
// action). Click a node to watch it; the buttons below break it. In partition mode, drag nodes
// across the dashed line and cut the network between the two sides. Past 24 nodes the ring is
// drawn small, a node's name shows on hover, the message nearest the pointer is outlined and
// dropped by a click (classroom/aim.ts), and the nodes may be grouped in clusters by
// height/round/step instead (classroom/clusters.ts).
import { useRef, useState } from 'react';
import type { MouseEvent as ReactMouseEvent, PointerEvent as ReactPointerEvent, ReactElement } from 'react';
import { act, send, useUi } from './store.js';
import { STEP_COLORS } from './colors.js';
import { NodeFaults } from './NodeFaults.js';
import type { Frame, MessageView, NodeSummary, RunningTimeout } from '../observe/model.js';
import { blockIdShort } from '../observe/format.js';
import { indexMap, nameOfAddress, validatorNames } from './names.js';
import { accused } from './evidence.js';
import { blockMark, chainsOf, forkHeights, lastBlocks } from './classroom/chains.js';
import type { Chains } from './classroom/chains.js';
import { remaining, TIMER_COLORS, TIMER_NAMES } from './classroom/timers.js';
import { messageAt, messageNear } from './classroom/aim.js';
import type { Point } from './classroom/aim.js';
import { clusterLayout } from './classroom/clusters.js';
import { bounds, CHAIN, circle, FULL, H, nameHalf, offTheLine, R, stripAt, W } from './classroom/ring.js';

/** How near (drawing units) the pointer must be to a crowd's message to aim at it. */
const AIM = 7;

const MESSAGE_COLORS: Record<string, string> = {
  Proposal: '#1565c0',
  BlockPart: '#42a5f5',
  Vote: '#8e24aa',
  VoteSetMaj23: '#ef6c00',
  VoteSetBits: '#ef6c00',
};
const OTHER_MESSAGE = '#9aa0a6';

/** A padlock, drawn (an emoji needs an emoji font the projector's machine may not have). */
/** Every pair of n nodes (direct broadcast: each reaches every other). */
function allPairs(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push([i, j]);
  return out;
}

function LockIcon({ x, y }: { x: number; y: number }) {
  return (
    <g transform={`translate(${x},${y})`} className="lock-icon" data-testid="lock-icon">
      <path d="M1.5 4 V2.6 a2.5 2.5 0 0 1 5 0 V4" fill="none" stroke="#4a148c" strokeWidth={1.2} />
      <rect x={0} y={4} width={8} height={5.5} rx={1} fill="#6a1b9a" />
    </g>
  );
}

/** An arc of radius r from the top, clockwise, over `share` of the circle. */
function arc(r: number, share: number): string {
  if (share >= 0.999) return `M0 ${-r} A${r} ${r} 0 1 1 0 ${r} A${r} ${r} 0 1 1 0 ${-r}`;
  const a = 2 * Math.PI * share;
  return `M0 ${-r} A${r} ${r} 0 ${share > 0.5 ? 1 : 0} 1 ${r * Math.sin(a)} ${-r * Math.cos(a)}`;
}

/** The countdown of the timeout a node waits on: a ring that empties as it runs out. */
function TimerArc({ timer, t, r }: { timer: RunningTimeout; t: number; r: number }) {
  const left = remaining(timer, t);
  const name = TIMER_NAMES[timer.step] ?? 'timeout';
  return (
    <g className="timer" data-testid="timer" data-timer={name}>
      <title>{`${name}: ${((timer.to - t) / 1000).toFixed(1)} s of ${((timer.to - timer.from) / 1000).toFixed(1)} s left`}</title>
      <circle r={r} className="timer-track" />
      <path d={arc(r, left)} stroke={TIMER_COLORS[timer.step] ?? '#555'} className="timer-arc" />
    </g>
  );
}

/** The node's last committed blocks, outwards from the ring so that strips never cover the links. */
function ChainStrip({ chains, node, at }: { chains: Chains; node: string; at: Point }) {
  const blocks = lastBlocks(chains, node, CHAIN);
  if (blocks.length === 0) return null;
  const size = 9;
  const x0 = at.x - (blocks.length * (size + 1)) / 2;
  return (
    <g className="chain" data-testid="chain">
      <title>{`${node} committed: ${blocks.map((b) => `H${b.height} ${blockMark(chains, b.height, b.hash).letter}`).join(', ')}`}</title>
      {blocks.map((b, k) => {
        const { letter, color } = blockMark(chains, b.height, b.hash);
        return (
          <g key={b.height} transform={`translate(${x0 + k * (size + 1)},${at.y - size / 2})`}>
            <rect width={size} height={size} rx={1.5} fill={color} />
            <text x={size / 2} y={size / 2 + 0.5} className="chain-letter">{letter}</text>
          </g>
        );
      })}
    </g>
  );
}

export function Network() {
  const frame = useUi((s) => s.frame);
  const events = useUi((s) => s.events);
  const showMessages = useUi((s) => s.showMessages);
  const classroom = useUi((s) => s.mode === 'classroom');
  const gossip = useUi((s) => s.scenario.topology !== 'direct');
  const svg = useRef<SVGSVGElement>(null);
  const [cutting, setCutting] = useState(false);
  /** nodes dragged in partition mode, by index */
  const [moved, setMoved] = useState<Record<number, Point>>({});
  const [dragging, setDragging] = useState<number | null>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  /** the pointer over a crowd's drawing (its messages are found by distance) */
  const [pointer, setPointer] = useState<Point | null>(null);
  /** a crowd drawn in clusters by height/round/step instead of on a ring */
  const [clustered, setClustered] = useState(false);
  if (!frame) return <section className="panel network" />;
  const n = frame.nodes.length;
  const small = n > FULL;
  const index = indexMap(frame);
  const layout = small && clustered ? clusterLayout(frame.nodes, { x: W / 2, y: H / 2 }, R) : null;
  const pos = (i: number) => moved[i] ?? layout?.pos[i] ?? circle(i, n);
  const posOf = (id: string) => pos(index.get(id) ?? 0);
  const side = (i: number) => (pos(i).x < W / 2 ? 0 : 1);
  const group = (i: number) => frame.partition?.findIndex((g) => g.includes(frame.nodes[i].id)) ?? 0;
  const chains = chainsOf(events);
  const forks = forkHeights(chains);

  // names wider than the default push the strips out, and the drawing with them
  const labelHalf = nameHalf(frame.nodes.map((x) => x.name));
  const box = bounds(n, labelHalf);
  const toSvg = (e: ReactPointerEvent): Point => {
    const m = svg.current!.getScreenCTM()!.inverse();
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m);
    return offTheLine({ x: Math.max(box.x + 10, Math.min(box.x + box.w - 10, p.x)), y: Math.max(box.y + 10, Math.min(box.y + box.h - 10, p.y)) });
  };
  const onDown = (i: number) => (e: ReactPointerEvent) => {
    if (!cutting) return send({ type: 'select', node: frame.nodes[i].id });
    (e.target as Element).setPointerCapture(e.pointerId);
    setDragging(i);
  };
  const onMove = (e: ReactPointerEvent) => {
    if (dragging !== null) setMoved({ ...moved, [dragging]: toSvg(e) });
    else if (small && drop) setPointer(new DOMPoint(e.clientX, e.clientY).matrixTransform(svg.current!.getScreenCTM()!.inverse()));
  };
  const sides = (): number[][] => [0, 1].map((s) => frame.nodes.map((x) => x.index).filter((i) => side(i) === s));
  const cut = (duration?: number) => {
    const groups = sides().filter((g) => g.length > 0);
    if (groups.length === 2) act({ kind: 'partition', groups, duration });
  };
  // a message is clicked on a classroom's few nodes; in a crowd (drawn as paths), the one nearest the pointer
  const drop = classroom && gossip ? (m: MessageView) => act({ kind: 'dropMessage', from: index.get(m.from) ?? 0, to: index.get(m.to) ?? 0 }) : null;
  const aimed = small && drop && !cutting && showMessages && pointer && hovered === null ? messageNear(frame.inFlight, frame.t, posOf, pointer, AIM) : null;
  const onClick = (e: ReactMouseEvent) => {
    if (aimed && !(e.target as Element).closest('.node')) drop!(aimed.m);
  };

  const links: ReactElement[] = [];
  if (!small) {
    // the connections the source names (gossip peers: a ring is a ring), else every pair
    const pairs = frame.links ? frame.links.map(([a, b]) => [index.get(a) ?? -1, index.get(b) ?? -1]).filter(([i, j]) => i >= 0 && j >= 0) : allPairs(n);
    for (const [i, j] of pairs) {
      const isCut = frame.partition !== null && group(i) !== group(j);
      const a = pos(i);
      const b = pos(j);
      links.push(<line key={`${i}-${j}`} x1={a.x} y1={a.y} x2={b.x} y2={b.y} className={isCut ? 'link cut' : 'link'} />);
    }
  } else if (layout) {
    for (const c of layout.clusters)
      links.push(
        <g key={c.label} className="cluster" data-testid="cluster">
          <circle cx={c.x} cy={c.y} r={c.r + 2} className="link ring" />
          {/* above or below its cluster, but inside the view: at 200 validators one cluster is taller than the ring leaves room for */}
          <text x={c.x} y={c.y < H / 2 ? Math.max(11, c.y - c.r - 5) : Math.min(H - 3, c.y + c.r + 11)} className="cluster-label">{`${c.label} · ${c.count}`}</text>
        </g>,
      );
  } else {
    links.push(<circle key="ring" cx={W / 2} cy={H / 2} r={R} className="link ring" />);
  }
  const [left, right] = sides();
  // nodes that evidence accuses of equivocating: marked Byzantine
  const names = validatorNames(frame, frame.roundState, events);
  const byzantine = new Set([...accused(events)].map((a) => nameOfAddress(names, frame, events, a)));
  const label = (xs: number[]) => `{${xs.map((i) => frame.nodes[i].name).join(',')}}`;
  const hover = hovered !== null && hovered < n ? frame.nodes[hovered] : null;
  return (
    <section className="panel network">
      <h2>
        Network <span className="muted">t = {(frame.t / 1000).toFixed(2)} s</span>
        <label className="toggle" title="messages on the wire (turn off at high speed)">
          <input type="checkbox" checked={showMessages} onChange={(e) => useUi.setState({ showMessages: e.target.checked })} data-testid="show-messages" /> messages
        </label>
        <span className="actions">
          {small && (
            <button className={clustered ? 'on' : ''} onClick={() => setClustered(!clustered)} data-testid="clusters" title="group the nodes by height/round/step (or show them on a ring)">
              clusters
            </button>
          )}
          <button className={cutting ? 'on' : ''} onClick={() => setCutting(!cutting)} data-testid="partition-mode" title="drag nodes across the line, then cut">
            partition…
          </button>
        </span>
      </h2>
      {forks.length > 0 && (
        <p className="fork" data-testid="fork">Fork: nodes committed different blocks at height {forks.join(', ')} (the chains under the nodes differ).</p>
      )}
      <svg ref={svg} viewBox={`${box.x} ${box.y} ${box.w} ${box.h}`} data-testid="network" onPointerMove={onMove} onPointerUp={() => setDragging(null)} onPointerLeave={() => setPointer(null)} onClick={onClick} className={small ? `many${aimed ? ' aiming' : ''}` : ''}>
        {links}
        {cutting && <line x1={W / 2} y1={box.y} x2={W / 2} y2={box.y + box.h} className="divider" />}
        {showMessages && (small ? <MessagePaths frame={frame} pos={posOf} /> : <Messages frame={frame} pos={posOf} drop={drop} />)}
        {frame.nodes.map((node) => (
          <NodeMark key={node.id} node={node} frame={frame} p={pos(node.index)} small={small} timer={node.timer ?? null}
            className={`node${node.id === frame.selected ? ' selected' : ''}${node.up ? '' : ' down'}${cutting ? ` side${side(node.index)}` : ''}${byzantine.has(node.name) ? ' byzantine' : ''}`}
            byzantine={byzantine.has(node.name)} onDown={onDown(node.index)} onHover={(on) => setHovered(on ? node.index : null)}
            chain={small ? null : <ChainStrip chains={chains} node={node.id} at={stripAt(pos(node.index), labelHalf)} />} />
        ))}
        {small && hover && <HoverLabel node={hover} p={pos(hover.index)} box={box} />}
        {aimed && <AimedMessage m={aimed.m} at={aimed.at} box={box} />}
      </svg>
      {showMessages && (
        <div className="legend">
          {Object.entries({ proposal: 'Proposal', part: 'BlockPart', vote: 'Vote', maj23: 'VoteSetMaj23' }).map(([label, kind]) => (
            <span key={kind}><i style={{ background: MESSAGE_COLORS[kind], borderRadius: 7 }} /> {label}</span>
          ))}
          <span><i style={{ background: OTHER_MESSAGE, borderRadius: 7 }} /> state, HasVote</span>
          {drop && <span className="muted">click a message to drop it</span>}
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
      {classroom && <NodeFaults frame={frame} /> /* a live network or a WAL is not ours to break */}
    </section>
  );
}

function NodeMark({ node, frame, p, small, timer, className, byzantine, onDown, onHover, chain }: {
  node: NodeSummary;
  frame: Frame;
  p: Point;
  small: boolean;
  timer: RunningTimeout | null;
  className: string;
  byzantine: boolean;
  onDown: (e: ReactPointerEvent) => void;
  onHover: (on: boolean) => void;
  chain: ReactElement | null;
}) {
  const proposer = frame.nodes.some((o) => o.up && o.proposer === node.id && o.height === node.height);
  const r = small ? 3.2 : 17;
  return (
    <>
      <g transform={`translate(${p.x},${p.y})`} onPointerDown={onDown} onPointerEnter={() => onHover(true)} onPointerLeave={() => onHover(false)} className={className} data-testid={`node-${node.index}`} aria-label={node.name}>
        {small && <title>{`${node.name} · ${node.up ? `${node.height}/${node.round} ${node.step.replace('RoundStep', '')}` : 'down'}`}</title>}
        {byzantine && <circle r={small ? 6 : 25} className="byzantine-ring" data-testid="byzantine"><title>{`${node.name} equivocated: evidence against it was found`}</title></circle>}
        {timer && !small && <TimerArc timer={timer} t={frame.t} r={21} />}
        <circle r={r} fill={STEP_COLORS[node.step] ?? '#ddd'} className="body" />
        {!small && <text y={-1} className="name">{node.name}{proposer ? '★' : ''}</text>}
        {!small && <text y={11} className="small">{node.up ? `${node.height}/${node.round}` : 'down'}</text>}
        {!small && node.lockedBlock && (
          <g>
            <title>{`locked on ${blockIdShort(node.lockedBlock)} (round ${node.lockedRound})`}</title>
            <LockIcon x={-15} y={22} />
            <text x={-5} y={30} className="small lock-label">{blockIdShort(node.lockedBlock).slice(0, 4)}</text>
          </g>
        )}
      </g>
      {chain}
    </>
  );
}

/** The hovered node's name and state, large, when the ring is too crowded to label every node. */
function HoverLabel({ node, p, box }: { node: NodeSummary; p: Point; box: { x: number; w: number } }) {
  const text = `${node.name} ${node.up ? `${node.height}/${node.round} ${node.step.replace('RoundStep', '')}` : 'down'}`;
  const x = Math.min(box.x + box.w - 4 - text.length * 6.2, Math.max(box.x + 4, p.x - (text.length * 6.2) / 2));
  const y = p.y < H / 2 ? p.y + 12 : p.y - 26;
  return (
    <g className="hover-label" data-testid="hover-label" pointerEvents="none">
      <rect x={x - 3} y={y} width={text.length * 6.2 + 6} height={16} rx={3} />
      <text x={x} y={y + 12}>{text}</text>
    </g>
  );
}

/** The crowd's message under the pointer: outlined, named, and dropped by a click. */
function AimedMessage({ m, at, box }: { m: MessageView; at: Point; box: { x: number; w: number } }) {
  const text = `${m.kind} ${m.from} → ${m.to}: click to drop`;
  const x = Math.min(box.x + box.w - 4 - text.length * 6.2, Math.max(box.x + 4, at.x - (text.length * 6.2) / 2));
  const y = at.y < H / 2 ? at.y + 10 : at.y - 24;
  return (
    <g className="aimed" data-testid="message-aimed" aria-label={`${m.kind} from ${m.from} to ${m.to}`} pointerEvents="none">
      <circle cx={at.x} cy={at.y} r={4.5} className="aim-ring" />
      <g className="hover-label">
        <rect x={x - 3} y={y} width={text.length * 6.2 + 6} height={16} rx={3} />
        <text x={x} y={y + 12}>{text}</text>
      </g>
    </g>
  );
}

/**
 * Hundreds of messages (a large network): one path per kind instead of three elements per
 * message, so that a frame updates a handful of attributes, not thousands.
 */
function MessagePaths({ frame, pos }: { frame: Frame; pos: (id: string) => Point }) {
  const lines = new Map<string, string[]>();
  for (const m of frame.inFlight) {
    const head = messageAt(m, frame.t, pos);
    const from = pos(m.from);
    const d = Math.hypot(head.x - from.x, head.y - from.y) || 1;
    const k = Math.min(8, d) / d;
    const color = MESSAGE_COLORS[m.kind] ?? OTHER_MESSAGE;
    const xs = lines.get(color) ?? lines.set(color, []).get(color)!;
    xs.push(`M${(head.x - (head.x - from.x) * k).toFixed(1)} ${(head.y - (head.y - from.y) * k).toFixed(1)}L${head.x.toFixed(1)} ${head.y.toFixed(1)}`);
  }
  return (
    <g className="messages many">
      {[...lines].map(([color, d]) => <path key={color} d={d.join('')} stroke={color} />)}
    </g>
  );
}

function Messages({ frame, pos, drop }: { frame: Frame; pos: (id: string) => Point; drop: ((m: MessageView) => void) | null }) {
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
            {drop && (
              <circle cx={head.x} cy={head.y} r={6} className="hit" data-testid="message" aria-label={`${m.kind} from ${m.from} to ${m.to}`} onClick={() => drop(m)}>
                <title>{`${m.kind} ${m.from} → ${m.to}: click to drop it (a stream cannot lose one message: the ${m.from}–${m.to} connection breaks, and they redial after 0.5 s)`}</title>
              </circle>
            )}
          </g>
        );
      })}
    </g>
  );
}
