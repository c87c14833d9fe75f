// The replay console (the seed's `replay_console`, as buttons): next and back (→ ←), a slider over
// every record, jump to a record or to where the node entered a height and round; the records
// around the position with their signature marks (click one to go there); export the records as
// JSON lines and copy a link to this position. The views beside it draw the frames of the position.
import { useState } from 'react';
import type { RecordLine } from '../../observe/wal-debugger.js';
import { seekHeightProblem, seekRecordProblem } from '../../observe/wal-source.js';
import { useUi } from '../store.js';
import { copyLink, exportJson, walSend } from './debugger.js';
import { useWal } from './state.js';

const MARKS = { valid: ['✓', 'signature valid'], invalid: ['✗', 'signature INVALID'], 'unknown-key': ['?', 'no key for this signer in the genesis'] } as const;

export function SignatureMark({ verdict }: { verdict: RecordLine['verdict'] }) {
  if (!verdict) return <span className="sig" />;
  const [mark, what] = MARKS[verdict];
  return <span className={`sig ${verdict}`} title={what} aria-label={what}>{mark}</span>;
}

/** The record's own time of day (UTC, ms), as a WAL's RFC 3339 times read. */
export const clock = (ms: number | null) => (ms === null ? '—' : new Date(Math.floor(ms)).toISOString().slice(11, 23));

function Lines({ applied }: { applied: number }) {
  const lines = useWal((s) => s.lines);
  if (!lines) return null;
  return (
    <ol className="records" aria-label="Records around the position">
      {applied === 0 && <li className="current start" aria-current="true">(start: no record applied)</li>}
      {lines.lines.map((l) => (
        <li key={l.index} className={l.index === applied - 1 ? 'current' : l.index >= applied ? 'ahead' : ''} aria-current={l.index === applied - 1 ? 'true' : undefined}>
          <button type="button" className="line" onClick={() => walSend({ type: 'seekRecord', records: l.index + 1 })} title={`byte offset ${l.offset}: go here`}>
            <span className="idx">#{l.index}</span> <span className="muted">{clock(l.time)}</span> <SignatureMark verdict={l.verdict} /> {l.text}
          </button>
        </li>
      ))}
    </ol>
  );
}

export function ReplayConsole() {
  const selected = useWal((s) => s.selected);
  const file = useWal((s) => s.files.find((f) => f.id === s.selected));
  const link = useWal((s) => s.link);
  const applied = useUi((s) => s.frame?.steps ?? 0);
  const playing = useUi((s) => s.playing);
  const rs = useUi((s) => s.frame?.roundState);
  const [record, setRecord] = useState('');
  const [height, setHeight] = useState('');
  const [round, setRound] = useState('0');
  // what the last "go to record" or "go to height/round" could not do, in the file it was asked of
  const [problem, setProblem] = useState<{ file: number; form: 'record' | 'height'; text: string } | null>(null);
  const problemOf = (form: 'record' | 'height') => (problem?.file === selected && problem.form === form ? problem.text : null);
  const setJumpProblem = (form: 'record' | 'height', text: string | null) => setProblem(text === null || selected === null ? null : { file: selected, form, text });
  if (!file || selected === null) return null;
  const total = file.summary.records;
  return (
    <section className="panel wal-console" aria-label="Replay console">
      <h2>Replay console <span className="muted">{file.name}</span></h2>
      <div className="buttons">
        <button type="button" onClick={() => walSend({ type: 'back' })} disabled={applied === 0} title="←" aria-label="Previous record">◀ Back</button>
        <button type="button" onClick={() => walSend({ type: 'step' })} disabled={applied >= total} title="→" aria-label="Next record">Next ▶</button>
        <button type="button" onClick={() => walSend({ type: playing ? 'pause' : 'play' })} title="space">{playing ? 'Pause' : 'Play'}</button>
        <output className="position" data-testid="position">{applied} of {total} records applied{rs && rs.height > 0 ? ` · ${rs.height}/${rs.round}` : ''}</output>
      </div>
      <input className="record-slider" type="range" min={0} max={total} value={applied} aria-label="Record" onChange={(e) => walSend({ type: 'seekRecord', records: Number(e.target.value) })} />
      {/* noValidate: the browser's own check of min/max/step stops the jump with a bubble some
          browsers never show (headless, or scrolled away); the problem is said here instead */}
      <form
        className="jump"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const problem = seekRecordProblem(total, record);
          setJumpProblem('record', problem);
          if (!problem) walSend({ type: 'seekRecord', records: Number(record) });
        }}
      >
        <label>records applied <input type="number" min={0} max={total} value={record} onChange={(e) => (setRecord(e.target.value), setJumpProblem('record', null))} /></label>
        <button type="submit">Go to record</button>
        {problemOf('record') && <output className="problems" role="alert">{problemOf('record')}</output>}
      </form>
      <form
        className="jump"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const h = Number(height);
          const r = round.trim() === '' ? 0 : Number(round);
          const problem = height.trim() === '' ? 'which height?' : seekHeightProblem(file.rounds, h, r);
          setJumpProblem('height', problem);
          if (!problem) walSend({ type: 'seekHeight', height: h, round: r });
        }}
      >
        <label>height <input type="number" min={0} value={height} onChange={(e) => (setHeight(e.target.value), setJumpProblem('height', null))} /></label>
        <label>round <input type="number" min={0} value={round} onChange={(e) => (setRound(e.target.value), setJumpProblem('height', null))} /></label>
        <button type="submit">Go to height/round</button>
        {problemOf('height') && <output className="problems" role="alert">{problemOf('height')}</output>}
      </form>
      <Lines applied={applied} />
      <div className="buttons">
        <button type="button" onClick={() => exportJson(selected)}>Export JSON lines</button>
        <button type="button" onClick={copyLink}>Copy link</button>
      </div>
      {link && <input className="share" readOnly value={link} aria-label="Link to this position" onFocus={(e) => e.currentTarget.select()} />}
    </section>
  );
}
