// The WAL debugger (`/?wal`, issue 14): files in, then what they say — the file list with damage
// and signatures, the diagnosis of the height the node stopped at, the replay console driving the
// classroom's views (HeightVoteSet grid, inspector with RoundState, proposal and parts, the step
// timeline), and every file merged on one clock. A paste anywhere on the page loads what was pasted
// (a file from the clipboard, or text), unless it goes into a field that is not the WAL text box.
import { useEffect } from 'react';
import { useUi } from '../store.js';
import { VoteGrid } from '../VoteGrid.js';
import { Inspector } from '../Inspector.js';
import { Timeline } from '../Timeline.js';
import { classroomHref } from '../live/join.js';
import { openFiles, openText } from './debugger.js';
import { DropZone } from './DropZone.js';
import { FileList, GenesisAlone } from './FileList.js';
import { DiagnosisPanel } from './DiagnosisPanel.js';
import { ReplayConsole } from './ReplayConsole.js';
import { Swimlanes } from './Swimlanes.js';
import { useWal } from './state.js';

function onPaste(e: ClipboardEvent): void {
  const t = e.target;
  // typing into another field (a height, a round) is not a WAL
  if ((t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement) && t.getAttribute('aria-label') !== 'WAL as hex, base64 or JSON lines') return;
  const files = [...(e.clipboardData?.files ?? [])];
  if (files.length > 0) {
    e.preventDefault();
    openFiles(files.map((f, i) => ({ name: f.name || `pasted-file-${i + 1}.wal`, data: f })));
    return;
  }
  const text = e.clipboardData?.getData('text/plain') ?? '';
  if (text.trim() === '') return;
  e.preventDefault();
  openText(text);
}

function Notice() {
  const notice = useWal((s) => s.notice);
  if (!notice) return null;
  return <p className="notice" role="alert" onClick={() => useWal.setState({ notice: null })}>{notice}</p>;
}

export function WalApp() {
  const loaded = useWal((s) => s.files.length > 0);
  const replaying = useWal((s) => s.selected !== null);
  const hasFrame = useUi((s) => s.frame !== null);
  useEffect(() => {
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, []);
  return (
    <div className="app wal">
      <header>
        <h1>Prevote <span className="muted">· WAL debugger</span></h1>
        <a className="nav-link" href={classroomHref(location.pathname)}>Open the classroom</a>
      </header>
      <DropZone />
      <Notice />
      {loaded ? <FileList /> : <GenesisAlone />}
      {replaying && hasFrame && (
        <>
          <DiagnosisPanel />
          <main>
            <ReplayConsole />
            <VoteGrid />
            <Inspector />
          </main>
          <Timeline />
        </>
      )}
      {loaded && <Swimlanes />}
    </div>
  );
}
