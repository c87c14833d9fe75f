// Where files come in: drop them anywhere on the zone, choose them (several at once: a rotated
// group, several nodes, a genesis), or paste — a file from the clipboard, or a WAL as hex, base64 or
// JSON lines (the page listens for pastes anywhere, ./WalApp.tsx). Nothing is uploaded: the worker
// reads the files in this tab. While a load goes on, its progress.
import { useState } from 'react';
import { clearAll, openFiles, openText } from './debugger.js';
import { useWal } from './state.js';

const asInput = (files: FileList | null) => [...(files ?? [])].map((f) => ({ name: f.name, data: f as Blob }));
const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 2 : 1)} MB`;

const PHASES = { read: 'reading', scan: 'scanning', verify: 'checking signatures of', analyse: 'analysing' } as const;

function Progress() {
  const p = useWal((s) => s.progress);
  const busy = useWal((s) => s.busy);
  if (!busy || !p) return null;
  const amount = p.phase === 'verify' ? `${p.done} of ${p.total} signatures` : p.phase === 'analyse' ? '' : `${mb(p.done)} of ${mb(p.total)}`;
  return (
    <div className="wal-progress">
      <progress aria-label="Loading the WAL files" value={p.done} max={Math.max(1, p.total)} />
      <span>{PHASES[p.phase]} {p.name}{amount && `: ${amount}`}</span>
    </div>
  );
}

export function DropZone() {
  const [over, setOver] = useState(false);
  const [text, setText] = useState('');
  const loaded = useWal((s) => s.files.length > 0);
  const wanted = useWal((s) => s.wanted);
  return (
    <section
      className={`panel dropzone${over ? ' over' : ''}${loaded ? ' compact' : ''}`}
      aria-label="Load WAL files"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        openFiles(asInput(e.dataTransfer.files));
      }}
    >
      {wanted && (
        <p className="wanted" data-testid="wanted">
          This link points at record {wanted.at ?? 0} of <b>{wanted.files[0]}</b>{wanted.files.length > 1 && <> (with {wanted.files.slice(1).join(', ')})</>}: drop or choose {wanted.files.length > 1 ? 'those files' : 'that file'} to go there. The link carries no file.
        </p>
      )}
      <p>
        <b>Drop WAL files here</b>, <label className="choose">choose them<input className="sr-only" type="file" multiple aria-label="Choose WAL files" onChange={(e) => {
          openFiles(asInput(e.currentTarget.files));
          e.currentTarget.value = '';
        }} /></label>, or paste one (Ctrl+V).{' '}
        <span className="muted">
          CometBFT’s <code>wal</code> with its rotated <code>wal.000</code>, <code>wal.001</code>… together, a Tendermint v0.10 WAL, a browser node’s export; add the
          chain’s <code>genesis.json</code> to check every signature. Nothing is uploaded: the files are read in this tab.
        </span>
      </p>
      <form
        className="paste"
        onSubmit={(e) => {
          e.preventDefault();
          openText(text);
          setText('');
        }}
      >
        <textarea aria-label="WAL as hex, base64 or JSON lines" placeholder="…or paste a WAL as hex, base64 or JSON lines" value={text} onChange={(e) => setText(e.target.value)} rows={1} />
        <button type="submit" disabled={text.trim() === ''}>Load the text</button>
        {loaded && <button type="button" onClick={clearAll}>Clear all files</button>}
      </form>
      <Progress />
    </section>
  );
}
