// What a teacher can do to the selected node: crash or restart it, force its timeout, make it
// Byzantine, isolate it, or make its links slow and lossy (with every peer or one), for a while.
import { useState } from 'react';
import { act } from './store.js';
import { shortStep } from './colors.js';
import type { Frame } from '../observe/model.js';

/** What can be done to the selected node: crash it, make it Byzantine, slow or lossy links. */
export function NodeFaults({ frame }: { frame: Frame }) {
  const [delay, setDelay] = useState(1000);
  const [drop, setDrop] = useState(0);
  const [secs, setSecs] = useState(5);
  /** the other end of the links to slow down: one peer, or every peer (-1) */
  const [peer, setPeer] = useState(-1);
  const sel = frame.nodes.find((x) => x.id === frame.selected) ?? frame.nodes[0];
  const i = sel.index;
  const others = frame.nodes.map((x) => x.index).filter((x) => x !== i);
  const other = peer !== i && peer < frame.nodes.length ? peer : -1;
  const links = (dir: 'to' | 'from') => {
    const end = other >= 0 ? other : undefined;
    const ends = dir === 'to' ? { to: i, from: end } : { from: i, to: end };
    act({ kind: 'delay', ...ends, delayMin: Math.round(delay * 0.8), delayMax: Math.round(delay * 1.2), dropRate: drop / 100, duration: secs * 1000 });
  };
  return (
    <div className="faults">
      <b>{sel.name}</b> <span className="muted">{sel.up ? `${shortStep(sel.step)}, committed ${sel.committed}` : 'down'}{sel.faults.length ? ` · ${sel.faults.join(', ')}` : ''}</span>
      <div className="buttons">
        {sel.up ? <button onClick={() => act({ kind: 'crash', node: i })} data-testid="crash">crash</button> : <button onClick={() => act({ kind: 'restart', node: i })} data-testid="restart">restart</button>}
        <button onClick={() => act({ kind: 'forceTimeout', node: i })} disabled={!sel.up} data-testid="force-timeout" title="fire n's pending timeout now">force timeout</button>
        <button onClick={() => act({ kind: 'silence', node: i, duration: secs * 1000 })}>silence</button>
        <button onClick={() => act({ kind: 'equivocateVotes', node: i })}>equivocate votes</button>
        <button onClick={() => act({ kind: 'equivocateProposal', node: i })}>equivocate proposals</button>
        <button onClick={() => act({ kind: 'amnesia', node: i })}>amnesia</button>
        <button onClick={() => act({ kind: 'nilPrecommit', node: i, duration: secs * 1000 })}>nil precommits</button>
        <button onClick={() => act({ kind: 'partition', groups: [others, [i]], duration: secs * 1000 })}>isolate</button>
      </div>
      <div className="buttons linkform">
        <label>delay <input type="number" min={0} max={60000} step={50} value={delay} onChange={(e) => setDelay(Math.max(0, Number(e.target.value)))} /> ms</label>
        <label>drop <input type="number" min={0} max={100} value={drop} onChange={(e) => setDrop(Math.min(100, Math.max(0, Number(e.target.value))))} /> %</label>
        <label>for <input type="number" min={1} max={600} value={secs} onChange={(e) => setSecs(Math.max(1, Number(e.target.value)))} /> s</label>
        <label>
          with{' '}
          <select value={other} onChange={(e) => setPeer(Number(e.target.value))} data-testid="link-peer">
            <option value={-1}>every peer</option>
            {others.map((o) => <option key={o} value={o}>{frame.nodes[o].name}</option>)}
          </select>
        </label>
        <button onClick={() => links('to')} data-testid="links-in">links into {sel.name}</button>
        <button onClick={() => links('from')} data-testid="links-out">links out of {sel.name}</button>
      </div>
    </div>
  );
}
