// The classroom: controls and caption on top; network, HeightVoteSet and inspector; the timeline
// below. Keyboard: space play/pause, → step, shift+←/→ seek ±1 s, +/- speed, r restart,
// PageDown/PageUp next/previous caption (presenter clickers send these), 1–4 the next polka,
// lock, timeout, commit, p presenter mode, ? the list of keys. Or, when the page was opened with `?join`, the live view (live/LiveApp.tsx):
// space freezes the views and goes back live, ←/→ scroll through the history kept. Or, with `?wal`,
// the WAL debugger (wal/WalApp.tsx): ←/→ one record back/on (shift: 100), space play/pause,
// Home/End the first/last record.
import { useEffect, useState } from 'react';
import { Controls, NEXT, SPEEDS } from './Controls.js';
import { Settings } from './Settings.js';
import { LessonPanel } from './Lesson.js';
import { Network } from './Network.js';
import { VoteGrid } from './VoteGrid.js';
import { Inspector } from './Inspector.js';
import { Timeline } from './Timeline.js';
import { load, send, useUi } from './store.js';
import { stepCaption } from './Lesson.js';
import { LiveApp } from './live/LiveApp.js';
import { hubChain, joinHref } from './live/join.js';
import { WalApp } from './wal/WalApp.js';
import { walSend } from './wal/debugger.js';
import { walModeHref } from './wal/link.js';
import { useWal } from './wal/state.js';
import type { NextKind } from '../observe/classroom.js';

/** Input types a person types into: keys there are theirs, not the presenter's. */
const TEXT_INPUTS = new Set(['text', 'number', 'search', 'email', 'url', 'password', 'tel', 'date', 'time', 'datetime-local', 'month', 'week']);

/** Whether a key pressed with focus on `t` is typing (a text field), not a presenter's key. */
export function isTyping(t: EventTarget | null): boolean {
  if (t instanceof HTMLTextAreaElement) return true;
  if (t instanceof HTMLInputElement) return TEXT_INPUTS.has(t.type);
  return t instanceof HTMLElement && t.isContentEditable;
}

/**
 * Which "next …" jump a key asks for: 1–4, in the order of the buttons. By the physical key too
 * (`code`), so that layouts whose top row types other characters (AZERTY) still reach it.
 */
export function nextKindOfKey(e: Pick<KeyboardEvent, 'key' | 'code'>): NextKind | null {
  const digit = /^[1-9]$/.test(e.key) ? Number(e.key) : Number(/^(?:Digit|Numpad)([1-9])$/.exec(e.code)?.[1] ?? 0);
  return NEXT[digit - 1]?.[0] ?? null;
}

/**
 * Listens in the capture phase, before the focused control: after a click on the seek bar, the
 * lesson picker or a button, PageDown/PageUp/space/arrows still drive the run (and the control
 * does not also seek, change the lesson or click). Text fields keep their keys.
 */
function onKey(e: KeyboardEvent): void {
  if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
  const s = useUi.getState();
  const t = s.frame?.t ?? 0;
  const next = nextKindOfKey(e);
  switch (next ? 'next' : e.key) {
    case 'next':
      send({ type: 'seekNext', kind: next! });
      break;
    case ' ':
      send({ type: s.playing ? 'pause' : 'play' });
      break;
    case 'ArrowRight':
      if (e.shiftKey) send({ type: 'seek', t: t + 1000 });
      else send({ type: 'step' });
      break;
    case 'ArrowLeft':
      if (e.shiftKey) send({ type: 'seek', t: Math.max(0, t - 1000) });
      break;
    case '+':
    case '-': {
      const i = SPEEDS.indexOf(s.speed) + (e.key === '+' ? 1 : -1);
      const factor = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, i))];
      useUi.setState({ speed: factor });
      send({ type: 'speed', factor });
      break;
    }
    case 'r':
      load(s.scenario, s.lesson);
      break;
    case 'PageDown':
    case 'PageUp':
      stepCaption(e.key === 'PageDown' ? 1 : -1);
      break;
    case 'p':
      useUi.setState({ presenter: !s.presenter });
      break;
    case '?':
      useUi.setState({ help: !s.help });
      break;
    case 'Escape':
      useUi.setState({ help: false });
      break;
    default:
      return;
  }
  e.preventDefault();
  e.stopPropagation();
  // a focused button would click on the space's keyup, a select open: let go of the focus
  if (e.target instanceof HTMLButtonElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLInputElement) e.target.blur();
}

/** The live view's keys: the network goes on, the views freeze and scroll back. */
function onLiveKey(e: KeyboardEvent): void {
  if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
  const frozen = useUi.getState().frozen !== null;
  if (e.key === ' ') send({ type: frozen ? 'play' : 'pause' });
  else if (e.key === 'ArrowLeft') send({ type: 'back' });
  else if (e.key === 'ArrowRight' && frozen) send({ type: 'step' });
  else return;
  e.preventDefault();
  e.stopPropagation();
  if (e.target instanceof HTMLButtonElement || e.target instanceof HTMLInputElement) e.target.blur();
}

/** The WAL debugger's keys: the console's buttons. */
function onWalKey(e: KeyboardEvent): void {
  if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
  const applied = useUi.getState().frame?.steps ?? 0;
  const { files, selected } = useWal.getState();
  const total = files.find((f) => f.id === selected)?.summary.records ?? 0;
  if (e.key === 'ArrowRight') walSend(e.shiftKey ? { type: 'seekRecord', records: applied + 100 } : { type: 'step' });
  else if (e.key === 'ArrowLeft') walSend(e.shiftKey ? { type: 'seekRecord', records: Math.max(0, applied - 100) } : { type: 'back' });
  else if (e.key === ' ') walSend({ type: useUi.getState().playing ? 'pause' : 'play' });
  else if (e.key === 'Home') walSend({ type: 'seekRecord', records: 0 });
  else if (e.key === 'End') walSend({ type: 'seekRecord', records: total });
  else return;
  e.preventDefault();
  e.stopPropagation();
  if (e.target instanceof HTMLButtonElement || e.target instanceof HTMLInputElement) e.target.blur();
}

const KEYS: [string, string][] = [
  ['space', 'play / pause'],
  ['→', 'one step (the next event)'],
  ['shift + ← / →', 'seek back / forward 1 s'],
  ['+ / −', 'faster / slower'],
  ['PageDown / PageUp', 'next / previous caption (a clicker sends these)'],
  ['1 / 2 / 3 / 4', 'run on to the selected node’s next polka / lock / timeout / commit'],
  ['p', 'presenter mode (large captions)'],
  ['r', 'restart the run'],
  ['?', 'this list'],
];

function Help() {
  return (
    <div className="help" data-testid="help" onClick={() => useUi.setState({ help: false })}>
      <table>
        <tbody>{KEYS.map(([k, what]) => <tr key={k}><td><kbd>{k}</kbd></td><td>{what}</td></tr>)}</tbody>
      </table>
    </div>
  );
}

/** When a hub serves this page (`prevote testnet`), the way into its live network. */
function JoinLink() {
  const [chain, setChain] = useState<string | null>(null);
  useEffect(() => {
    let on = true;
    void hubChain().then((c) => on && setChain(c));
    return () => {
      on = false;
    };
  }, []);
  if (!chain) return null;
  return <a className="nav-link join" href={joinHref(location.pathname)} title={`make this tab a node of ${chain}`}>Join the testnet</a>;
}

export function App() {
  const mode = useUi((s) => s.mode);
  useEffect(() => {
    const keys = mode === 'live' ? onLiveKey : mode === 'wal' ? onWalKey : onKey;
    window.addEventListener('keydown', keys, { capture: true });
    return () => window.removeEventListener('keydown', keys, { capture: true });
  }, [mode]);
  return mode === 'live' ? <LiveApp /> : mode === 'wal' ? <WalApp /> : <Classroom />;
}

function Classroom() {
  const presenter = useUi((s) => s.presenter);
  const help = useUi((s) => s.help);
  return (
    <div className={presenter ? 'app presenter' : 'app'}>
      <header>
        <h1>Prevote <span className="muted">· classroom: Tendermint consensus, simulated in this tab</span></h1>
        <JoinLink />
        <a className="nav-link" href={walModeHref(location.pathname)} title="read a node's WAL files in this tab: replay, diagnosis, signatures">Debug a WAL</a>
        <Controls />
        <Settings />
      </header>
      <LessonPanel />
      <main>
        <Network />
        <VoteGrid />
        <Inspector />
      </main>
      <Timeline />
      {help && <Help />}
    </div>
  );
}
