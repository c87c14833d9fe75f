// Play, pause, single step, speed, seek (backwards too: the run is replayed from its scenario),
// the lesson picker, sharing and exports.
import { useUi, send, load, download } from './store.js';
import { LESSONS } from './lessons.js';
import { encodeShare } from './url.js';
import { nameOf } from './names.js';

export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 16];

export function Controls() {
  const { playing, speed, horizon, lesson, scenario, yours } = useUi();
  const frame = useUi((s) => s.frame);
  const t = frame?.t ?? 0;
  const selected = frame?.selected ?? 'n0';
  const setSpeed = (factor: number) => {
    useUi.setState({ speed: factor });
    send({ type: 'speed', factor });
  };
  const share = async () => {
    const url = `${location.origin}${location.pathname}${encodeShare(lesson?.id ?? null, scenario)}`;
    await navigator.clipboard?.writeText(url).catch(() => undefined);
    useUi.setState({ notice: `Link copied: it reproduces this run, event for event (${scenario.faults.length} fault(s)/action(s)).` });
  };
  const exportLog = () => {
    const { events } = useUi.getState();
    download('prevote-events.json', new Blob([JSON.stringify({ scenario, logHash: frame?.logHash, events }, null, 1)], { type: 'application/json' }));
  };
  return (
    <div className="controls">
      <select value={lesson?.id ?? ''} onChange={(e) => {
        const l = LESSONS.find((x) => x.id === e.target.value);
        if (l) load(l.scenario, l);
      }} data-testid="lesson">
        {!lesson && <option value="">{yours ? "(your network)" : "(shared scenario)"}</option>}
        {LESSONS.map((l) => <option key={l.id} value={l.id}>{l.title}</option>)}
      </select>
      <button onClick={() => send({ type: playing ? 'pause' : 'play' })} data-testid="play" title="space">{playing ? 'Pause' : 'Play'}</button>
      <button onClick={() => send({ type: 'step' })} data-testid="step" title="→ (next event)">Step</button>
      <button onClick={() => load(scenario, lesson)} title="r">Restart</button>
      <label>
        speed
        <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))} data-testid="speed">
          {SPEEDS.map((s) => <option key={s} value={s}>{s}×</option>)}
        </select>
      </label>
      <input type="range" min={0} max={Math.max(horizon, t) + 30_000} step={10} value={t} onChange={(e) => send({ type: 'seek', t: Number(e.target.value) })} data-testid="seek" className="seek" title="seek (shift+←/→: ±1 s)" />
      <span className="time" data-testid="time">{(t / 1000).toFixed(2)} s</span>
      <button onClick={share} data-testid="share">share link</button>
      <button onClick={exportLog}>export events</button>
      <button onClick={() => send({ type: 'exportWal', node: selected })}>export WAL of {nameOf(frame, selected)}</button>
      <button onClick={() => useUi.setState({ help: true })} title="?" data-testid="keys">keys</button>
      <span className="hash" title="SHA-256 of the event log: equal hashes, identical runs" data-testid="log-hash">{frame?.logHash.slice(0, 12)}</span>
    </div>
  );
}
