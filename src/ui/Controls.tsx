// Play, pause, single step, pace, seek (backwards too: the run is replayed from a restart point),
// jumps to the next polka, lock, timeout or commit, the lesson picker, sharing and exports.
import { useEffect, useState } from 'react';
import { useUi, send, load, download } from './store.js';
import { LESSONS } from './lessons.js';
import { decodeShare, encodeShare, shareParams } from './url.js';
import { nameOf } from './names.js';
import type { NextKind } from '../observe/classroom.js';

/** Fixed paces, down to one hundredth of real time (a 20 ms message then takes 2 s to cross). */
export const SPEEDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16];

/** The jumps, in the order of their buttons; their keys are 1–4 (App.tsx), the same order. */
export const NEXT: [NextKind, string][] = [
  ['polka', 'polka'],
  ['lock', 'lock'],
  ['timeout', 'timeout'],
  ['commit', 'commit'],
];

/**
 * Seeks at most once per animation frame with the latest value: a dragged slider sends an input
 * event per pixel, and each would be a replay (the worker also lets a later seek replace a waiting one).
 */
let seekAsked: number | null = null;
function seekSoon(t: number): void {
  if (seekAsked === null) {
    requestAnimationFrame(() => {
      const to = seekAsked!;
      seekAsked = null;
      send({ type: 'seek', t: to });
    });
  }
  seekAsked = t;
}

/** The page's address names the moment shown once the run pauses there (a reload or a copied link comes back to it). */
function usePositionInAddress(): void {
  const playing = useUi((s) => s.playing);
  const t = useUi((s) => s.frame?.t ?? 0);
  const node = useUi((s) => s.frame?.selected ?? 'n0');
  const mode = useUi((s) => s.mode);
  const scenario = useUi((s) => s.scenario);
  useEffect(() => {
    if (playing || mode !== 'classroom') return;
    // a link the page could not read stays as it was opened, to be reported (store.ts, load)
    if (decodeShare(shareParams(location)).error) return;
    // in a task of its own: replaceState took ~20 ms in profiles on a busy machine, and in the
    // frame's own task (effects run there) it held up the frame that a seek was waiting for
    const id = setTimeout(() => history.replaceState(null, '', encodeShare(useUi.getState().lesson?.id ?? null, scenario, { t, node })));
    return () => clearTimeout(id);
  }, [playing, t, node, mode, scenario]);
}

export function Controls() {
  const { playing, speed, horizon, lesson, scenario, yours, pace, seeking } = useUi();
  const frame = useUi((s) => s.frame);
  const t = frame?.t ?? 0;
  const selected = frame?.selected ?? 'n0';
  // the slider shows where it was dragged until the frame of that moment comes
  const [asked, setAsked] = useState<number | null>(null);
  useEffect(() => setAsked(null), [t]);
  usePositionInAddress();
  const setPace = (value: string) => {
    if (value === 'auto') return send({ type: 'autoPace' });
    useUi.setState({ speed: Number(value) });
    send({ type: 'speed', factor: Number(value) });
  };
  const share = async () => {
    const url = `${location.origin}${location.pathname}${encodeShare(lesson?.id ?? null, scenario, { t, node: selected })}`;
    await navigator.clipboard?.writeText(url).catch(() => undefined);
    useUi.setState({ notice: `Link copied: it reproduces this run, event for event (${scenario.faults.length} fault(s)/action(s)), and opens at ${(t / 1000).toFixed(2)} s on ${nameOf(frame, selected)}.` });
  };
  const exportLog = () => {
    const { events } = useUi.getState();
    download('prevote-events.json', new Blob([JSON.stringify({ scenario, logHash: frame?.logHash, events }, null, 1)], { type: 'application/json' }));
  };
  const auto = pace?.auto ?? true;
  const slow = playing && pace?.behind && pace.achieved !== null;
  return (
    <div className="controls">
      <select value={lesson?.id ?? ''} onChange={(e) => {
        const l = LESSONS.find((x) => x.id === e.target.value);
        if (l) load(l.scenario, l);
      }} data-testid="lesson" aria-label="lesson">
        {!lesson && <option value="">{yours ? "(your network)" : "(shared scenario)"}</option>}
        {LESSONS.map((l) => <option key={l.id} value={l.id}>{l.title}</option>)}
      </select>
      <button onClick={() => send({ type: playing ? 'pause' : 'play' })} data-testid="play" title="space">{playing ? 'Pause' : 'Play'}</button>
      <button onClick={() => send({ type: 'step' })} data-testid="step" title="→ (next event)">Step</button>
      <button onClick={() => load(scenario, lesson)} title="r">Restart</button>
      <label title="follow: slow while votes and proposals are on the wire (less so the more validators), real time while the nodes wait for a timeout">
        pace
        <select value={auto ? 'auto' : String(speed)} onChange={(e) => setPace(e.target.value)} data-testid="speed">
          <option value="auto">follow</option>
          {SPEEDS.map((s) => <option key={s} value={s}>{s}×</option>)}
        </select>
      </label>
      <input type="range" min={0} max={Math.max(horizon, t) + 60_000} step={10} value={asked ?? t} aria-label="seek" onChange={(e) => {
        setAsked(Number(e.target.value));
        seekSoon(Number(e.target.value));
      }} data-testid="seek" className="seek" title="seek (shift+←/→: ±1 s)" />
      <span className="time" data-testid="time">{(t / 1000).toFixed(2)} s</span>
      {seeking && <span className="pace-warning" data-testid="seeking" title="a seek runs the simulation to that moment: going back replays it from its nearest restart point (a large network keeps few or none: from its start); any other seek stops it">going to {(seeking.to / 1000).toFixed(2)} s: at {(seeking.at / 1000).toFixed(2)} s</span>}
      {slow && !seeking && <span className="pace-warning" data-testid="pace" title="the simulation cannot keep up with the pace asked: every node's work is real">simulating at {formatRate(pace.achieved!)} real time</span>}
      <span className="next" role="group" aria-label="next event">
        next
        {NEXT.map(([kind, label], i) => (
          <button key={kind} onClick={() => send({ type: 'seekNext', kind })} data-testid={`next-${kind}`} title={`run on to ${nameOf(frame, selected)}'s next ${label} and pause there (key ${i + 1})`}>{label}</button>
        ))}
      </span>
      <button onClick={share} data-testid="share">share link</button>
      <button className="debug" onClick={exportLog}>export events</button>
      <button className="debug" onClick={() => send({ type: 'exportWal', node: selected })}>export WAL of {nameOf(frame, selected)}</button>
      <button className="debug" onClick={() => send({ type: 'exportGenesis' })} title="the chain's genesis.json: dropped into the WAL debugger with a node's WAL, every signature in it is checked">export genesis</button>
      <button onClick={() => useUi.setState({ help: true })} title="?" data-testid="keys">keys</button>
      <span className="hash debug" title="SHA-256 of the event log: equal hashes, identical runs" data-testid="log-hash">{frame?.logHash.slice(0, 12)}</span>
    </div>
  );
}

/** 0.13 → "0.13×", 0.004 → "0.004×". */
export function formatRate(r: number): string {
  return `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(1)}×`;
}
