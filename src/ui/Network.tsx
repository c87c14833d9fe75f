// The network: nodes on a circle with their step, proposer (★) and lock; crashed nodes greyed;
// links cut by a partition drawn red and dashed. Click a node to watch it; the buttons below
// break it.
import type { ReactElement } from 'react';
import { act, send, useUi } from './store.js';
import { STEP_COLORS, shortStep } from './colors.js';

export function Network() {
  const frame = useUi((s) => s.frame);
  if (!frame) return <section className="panel network" />;
  const n = frame.nodes.length;
  const R = 110;
  const pos = (i: number) => ({ x: 150 + R * Math.sin((2 * Math.PI * i) / n), y: 140 - R * Math.cos((2 * Math.PI * i) / n) });
  const group = (i: number) => frame.partition?.findIndex((g) => g.includes(i)) ?? 0;
  const links: ReactElement[] = [];
  if (n <= 24) {
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const cut = frame.partition !== null && group(i) !== group(j);
        const a = pos(i);
        const b = pos(j);
        links.push(<line key={`${i}-${j}`} x1={a.x} y1={a.y} x2={b.x} y2={b.y} className={cut ? 'link cut' : 'link'} />);
      }
  }
  const sel = frame.nodes[frame.selected];
  const half = Array.from({ length: n }, (_, i) => i);
  return (
    <section className="panel network">
      <h2>Network <span className="muted">t = {(frame.t / 1000).toFixed(2)} s</span></h2>
      <svg viewBox="0 0 300 280" data-testid="network">
        {links}
        {frame.nodes.map((node) => {
          const p = pos(node.index);
          const proposer = frame.nodes.some((o) => o.up && o.proposer === node.index && o.height === node.height);
          return (
            <g key={node.index} transform={`translate(${p.x},${p.y})`} onClick={() => send({ type: 'select', node: node.index })} className={`node${node.index === frame.selected ? ' selected' : ''}${node.up ? '' : ' down'}`} data-testid={`node-${node.index}`}>
              <circle r={n > 24 ? 6 : 17} fill={STEP_COLORS[node.step] ?? '#ddd'} />
              {n <= 24 && <text y={-1}>n{node.index}{proposer ? '★' : ''}</text>}
              {n <= 24 && <text y={10} className="small">{node.up ? `${node.height}/${node.round}` : 'down'}</text>}
              {n <= 24 && node.lockedBlock && <text y={30} className="small">🔒{node.lockedBlock.slice(0, 4)}</text>}
            </g>
          );
        })}
      </svg>
      <div className="faults">
        <b>n{sel.index}</b> <span className="muted">{sel.up ? `${shortStep(sel.step)}, committed ${sel.committed}` : 'down'}{sel.faults.length ? ` · ${sel.faults.join(', ')}` : ''}</span>
        <div className="buttons">
          {sel.up ? <button onClick={() => act({ kind: 'crash', node: sel.index })} data-testid="crash">crash</button> : <button onClick={() => act({ kind: 'restart', node: sel.index })} data-testid="restart">restart</button>}
          <button onClick={() => act({ kind: 'silence', node: sel.index, duration: 5000 })}>silence 5 s</button>
          <button onClick={() => act({ kind: 'equivocateVotes', node: sel.index })}>equivocate votes</button>
          <button onClick={() => act({ kind: 'equivocateProposal', node: sel.index })}>equivocate proposals</button>
          <button onClick={() => act({ kind: 'amnesia', node: sel.index })}>amnesia</button>
          <button onClick={() => act({ kind: 'nilPrecommit', node: sel.index, duration: 5000 })}>nil precommits 5 s</button>
          <button onClick={() => act({ kind: 'delay', to: sel.index, delayMin: 800, delayMax: 1200, duration: 5000 })}>slow links 5 s</button>
        </div>
        <div className="buttons">
          <button onClick={() => act({ kind: 'partition', groups: [half.filter((i) => i % 2 === 0), half.filter((i) => i % 2 === 1)], duration: 6000 })}>partition even|odd 6 s</button>
          <button onClick={() => act({ kind: 'partition', groups: [half.filter((i) => i !== sel.index), [sel.index]], duration: 6000 })}>isolate n{sel.index} 6 s</button>
        </div>
      </div>
    </section>
  );
}
