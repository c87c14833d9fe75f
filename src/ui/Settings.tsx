// The network to simulate: how many validators and their voting powers, the seed, the topology,
// message delays and CometBFT's timeouts. Applying starts a new run (no lesson, no faults yet).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { load, useUi } from './store.js';
import { scenarioProblems } from '../core/scenario.js';
import type { Scenario } from '../core/scenario.js';

const TIMEOUTS = [
  ['timeoutPropose', 'propose', 3000],
  ['timeoutPrevote', 'prevote', 1000],
  ['timeoutPrecommit', 'precommit', 1000],
  ['timeoutCommit', 'commit', 1000],
] as const;

type Form = Record<string, string>;

function formOf(s: Scenario): Form {
  const f: Form = {
    validators: String(s.validators),
    powers: s.powers?.join(', ') ?? '',
    seed: String(s.seed),
    topology: s.topology ?? 'full',
    delayMin: String(s.delay?.[0] ?? ''),
    delayMax: String(s.delay?.[1] ?? ''),
    txsPerHeight: String(s.txsPerHeight ?? ''),
  };
  for (const [k, , d] of TIMEOUTS) f[k] = String(s.timeouts?.[k] ?? d);
  return f;
}

/** The form as a scenario; blank optional fields take the simulator's defaults. */
function scenarioOf(f: Form): Scenario {
  const num = (v: string) => (v.trim() === '' ? undefined : Number(v));
  const s: Scenario = { validators: Number(f.validators), seed: Number(f.seed), topology: f.topology, faults: [] };
  if (f.powers.trim()) s.powers = f.powers.split(/[\s,]+/).filter(Boolean).map(Number);
  const [lo, hi] = [num(f.delayMin), num(f.delayMax)];
  if (lo !== undefined || hi !== undefined) s.delay = [lo ?? hi!, hi ?? lo!];
  const tx = num(f.txsPerHeight);
  if (tx !== undefined) s.txsPerHeight = tx;
  s.timeouts = {};
  for (const [k] of TIMEOUTS) {
    const v = num(f[k]);
    if (v !== undefined) s.timeouts[k] = v;
  }
  return s;
}

export function Settings() {
  const scenario = useUi((s) => s.scenario);
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<Form>(() => formOf(scenario));
  const [problems, setProblems] = useState<string[]>([]);
  // an edit makes the listed problems stale: they were about the form as it was applied (and the
  // browser's own check of a number field may stop the next apply before it could redo them)
  const edit = (k: string, v: string) => {
    setForm({ ...form, [k]: v });
    setProblems([]);
  };
  const field = (k: string, label: string, attrs: Record<string, string | number> = {}) => (
    <label>
      {label} <input value={form[k]} onChange={(e) => edit(k, e.target.value)} data-testid={`set-${k}`} {...attrs} />
    </label>
  );
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const s = scenarioOf(form);
    const p = scenarioProblems(s);
    setProblems(p);
    if (p.length === 0) {
      load(s, null, null, true);
      setOpen(false);
    }
  };
  return (
    <details className="settings" open={open}>
      {/* opened by hand, not by the details' own toggle event: that one fires a task later and would
          reset the form over what was already typed */}
      <summary data-testid="settings" onClick={(e) => {
        e.preventDefault();
        if (!open) setForm(formOf(useUi.getState().scenario));
        setOpen(!open);
      }}>settings</summary>
      <form onSubmit={apply}>
        <fieldset>
          <legend>validators</legend>
          {field('validators', 'count', { type: 'number', min: 1, max: 200 })}
          {field('powers', 'powers', { placeholder: '10 each (e.g. 10, 10, 30, 5)', size: 22 })}
          {field('seed', 'seed', { type: 'number', min: 0 })}
        </fieldset>
        <fieldset>
          <legend>network</legend>
          <label>
            topology{' '}
            <select value={form.topology} onChange={(e) => edit('topology', e.target.value)} data-testid="set-topology">
              <option value="full">full mesh (gossip)</option>
              <option value="regular:4">random 4-regular</option>
              <option value="regular:8">random 8-regular</option>
              <option value="ring">ring</option>
              <option value="direct">direct broadcast</option>
            </select>
          </label>
          {field('delayMin', 'delay min', { type: 'number', min: 0, placeholder: '5' })}
          {field('delayMax', 'max (ms)', { type: 'number', min: 0, placeholder: '20' })}
          {field('txsPerHeight', 'txs/height', { type: 'number', min: 0, placeholder: '0' })}
        </fieldset>
        <fieldset>
          <legend>timeouts (ms)</legend>
          {TIMEOUTS.map(([k, label]) => <span key={k}>{field(k, label, { type: 'number', min: 0 })}</span>)}
        </fieldset>
        <button type="submit" data-testid="apply-settings">start this network</button>
        {problems.length > 0 && <ul className="problems" data-testid="settings-problems">{problems.map((p) => <li key={p}>{p}</li>)}</ul>}
      </form>
    </details>
  );
}
