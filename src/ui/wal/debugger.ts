// The page's side of the WAL debugger: sends the worker what a person does (files dropped, chosen
// or pasted; a file chosen for replay; next, back, seek; export) and sorts its answers — the
// watched file's frames go to the store like any source's (connect, applyFrames), the rest to
// ./state.ts. A shared link's position is applied once the file it names is loaded.
import type { SourceMessage } from '../../observe/protocol.js';
import type { WalCommand, WalDebuggerCommand, WalDebuggerMessage, WalInputFile } from '../../observe/wal-debugger.js';
import type { Source } from '../source.js';
import { askedToPlay, connect, download, enterWal, useUi } from '../store.js';
import type { WalLink } from './link.js';
import { walHref } from './link.js';
import { pastedFile } from './paste.js';
import type { WalRuntime } from './runtime.js';
import { EMPTY_WAL, reduceWal, useWal } from './state.js';

let runtime: WalRuntime | null = null;
/** commands given before the worker was up */
const early: WalDebuggerCommand[] = [];
/** the watched file and where its frames go (the store's receiver) */
let watched = -1;
let frames: ((m: SourceMessage) => void) | null = null;
let pastes = 0;

function post(cmd: WalDebuggerCommand): void {
  if (runtime) runtime.send(cmd);
  else early.push(cmd);
}

const notice = (text: string | null) => useWal.setState({ notice: text });

/** The page becomes the WAL debugger; `link`: a shared position to go to once its file is loaded. */
export function startWalDebugger(rt: Promise<WalRuntime>, link: WalLink | null): void {
  enterWal();
  useWal.setState({ ...EMPTY_WAL, wanted: link && link.files.length > 0 ? link : null });
  rt.then(
    (r) => {
      runtime = r;
      r.onMessage(receive);
      for (const cmd of early.splice(0)) r.send(cmd);
    },
    (e: unknown) => notice(`The WAL debugger could not start: ${e instanceof Error ? e.message : String(e)}`),
  );
}

function receive(m: WalDebuggerMessage): void {
  switch (m.type) {
    case 'frame':
      if (m.file === watched) frames?.(m);
      return;
    case 'error':
      return notice(`The WAL debugger reported: ${m.message.split('\n')[0]}`);
    case 'export':
      return download(m.name, new Blob([m.text], { type: 'application/x-ndjson' }));
  }
  useWal.setState((s) => reduceWal(s, m));
  if (m.type === 'files' && !m.busy) settle();
}

/**
 * After a load: the file a link names, at its position; else, if none is watched, the first file
 * with a record to replay (a dropped picture or an empty file beside the WALs is not what to show).
 */
function settle(): void {
  const { files, selected, wanted } = useWal.getState();
  const named = wanted && files.find((f) => f.name === wanted.files[0]);
  if (named) {
    useWal.setState({ wanted: null });
    watch(named.id);
    if (wanted.at !== null) walSend({ type: 'seekRecord', records: wanted.at });
  } else if ((selected === null || !files.some((f) => f.id === selected)) && files.length > 0) {
    watch((files.find((f) => f.summary.records > 0) ?? files[0]).id);
  }
}

/** One file's replay as a Source for the store: its commands go to that file, its frames come back. */
function fileSource(id: number): Source<WalCommand, SourceMessage> {
  return {
    send: (cmd) => post({ type: 'source', file: id, cmd }),
    onMessage: (cb) => {
      watched = id;
      frames = cb;
      post({ type: 'watch', file: id });
    },
    close: () => {
      if (watched !== id) return;
      watched = -1;
      frames = null;
    },
  };
}

/** Replays this file in the console and the views. */
export function watch(id: number): void {
  useWal.setState({ selected: id, lines: null });
  connect(fileSource(id));
}

/** A playback command for the watched file. */
export function walSend(cmd: WalCommand): void {
  const id = useWal.getState().selected;
  if (id === null) return;
  if (cmd.type === 'play' || cmd.type === 'pause') askedToPlay(cmd.type === 'play');
  post({ type: 'source', file: id, cmd });
}

export function openFiles(files: WalInputFile[]): void {
  if (files.length === 0) return;
  notice(null);
  post({ type: 'open', files });
}

/** Pasted text: a WAL (hex, base64, JSON lines) or a genesis. */
export function openText(text: string): void {
  const p = pastedFile(text, ++pastes);
  if ('error' in p) notice(`The pasted text was not loaded: ${p.error}.`);
  else openFiles([p.file]);
}

export function clearAll(): void {
  post({ type: 'clear' });
  useWal.setState({ ...EMPTY_WAL });
  useUi.setState({ frame: null, events: [], selectedEvent: null });
}

/** Asks for a record with its send (the merged timeline's selection). */
export function pick(file: number, index: number): void {
  post({ type: 'record', file, index });
}

export function exportJson(file: number): void {
  post({ type: 'export', file });
}

/** A link to the position in the watched file (the other files named after it), copied when it can be. */
export function copyLink(): void {
  const { files, selected } = useWal.getState();
  const f = files.find((x) => x.id === selected);
  if (!f) return;
  const at = useUi.getState().frame?.steps ?? 0;
  const href = new URL(walHref(location.pathname, [f.name, ...files.filter((x) => x !== f).map((x) => x.name)], at), location.href).href;
  useWal.setState({ link: href });
  void navigator.clipboard?.writeText(href).catch(() => undefined);
}
