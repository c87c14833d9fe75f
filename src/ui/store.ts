// The page's state (zustand): a source's frames applied at most once per animation frame
// (applyFrames), the accumulated event log, the lesson and the controls. Views read from here and
// send commands through `send`; the store talks to one Source: the classroom's worker, or a live
// node (issue 13), whose frames go through the same applyFrames inside a bounded history
// (live/history.ts) so that the views can be frozen and scrolled back while the network goes on.
import { create } from 'zustand';
import type { FaultSpec, Scenario } from '../core/scenario.js';
import type { Frame, ObsEvent } from '../observe/model.js';
import type { FrameMessage, PlaybackCommand } from '../observe/protocol.js';
import type { SourceMessage } from '../observe/protocol.js';
import type { WalCommand } from '../observe/wal-source.js';
import type { ClassroomCommand, ClassroomMessage, PaceView, SeekProgress } from '../observe/classroom.js';
import type { LiveCommand, LiveMessage, LiveStatus } from '../observe/live.js';
import type { Source } from './source.js';
import { classroomWorkerSource } from './source.js';
import { applyFrames } from './apply.js';
import { NO_HISTORY, playback, record, shown } from './live/history.js';
import type { History } from './live/history.js';
import type { LiveRuntime } from './live/runtime.js';
import type { PeerStat } from '../observe/live.js';
import { LESSONS, lessonById } from './lessons.js';
import type { Lesson } from './lessons.js';
import { decodeShare, encodeShare, shareParams } from './url.js';
import { captionIndexAt } from './captions.js';

export interface UiState {
  lesson: Lesson | null;
  scenario: Scenario;
  events: ObsEvent[];
  frame: Frame | null;
  playing: boolean;
  speed: number;
  /** furthest virtual time reached in this history (the seek bar's end) */
  horizon: number;
  selectedEvent: ObsEvent | null;
  notice: string | null;
  showMessages: boolean;
  /** presenter mode: large captions */
  presenter: boolean;
  /** the keyboard help is showing */
  help: boolean;
  /** play until this caption (index) comes up, then pause */
  pauseAtCaption: number | null;
  /**
   * The caption the presenter went to (PageDown/PageUp), shown while the run stays where it is:
   * captions that come up at one moment are shown one by one. Any play, step or seek clears it.
   */
  captionPin: number | null;
  /** the network was started from the settings (not a lesson, not a link) */
  yours: boolean;
  /** which source the page watches: the classroom's simulator, this tab's live node, or a WAL replay (issue 14, ui/wal/) */
  mode: 'classroom' | 'live' | 'wal';
  /** live: the node's last status (null until its first) */
  status: LiveStatus | null;
  /** the live node has had a peer: none now means it lost them (the hub stopped), not that it is still dialling */
  hadPeers: boolean;
  /** live: why the runtime could not start (it then never sends a status) */
  liveFailure: string | null;
  /** live: when "Become a validator" was asked (Date.now()), until the stage answers */
  becomeAskedAt: number | null;
  /** live: the last minutes of frames; `events`, `frame` above are its head or the frozen frame */
  history: History;
  /** live: the views are frozen at this kept frame (History seq); null: they follow the head */
  frozen: number | null;
  /** classroom: the pace asked for and the one the simulator achieves (null until it says) */
  pace: PaceView | null;
  /** classroom: a long seek's replay, where it is (null when none is under way) */
  seeking: SeekProgress | null;
  /** presenter mode: the debugging tables are shown anyway (they are hidden by default) */
  presenterTables: boolean;
}

export const useUi = create<UiState>(() => ({
  lesson: LESSONS[0],
  scenario: LESSONS[0].scenario,
  events: [],
  frame: null,
  playing: false,
  speed: 1,
  horizon: 0,
  selectedEvent: null,
  notice: null,
  showMessages: true,
  presenter: false,
  help: false,
  pauseAtCaption: null,
  captionPin: null,
  yours: false,
  mode: 'classroom',
  status: null,
  hadPeers: false,
  liveFailure: null,
  becomeAskedAt: null,
  history: NO_HISTORY,
  frozen: null,
  pace: null,
  seeking: null,
  presenterTables: false,
}));

type AnyCommand = ClassroomCommand | LiveCommand | WalCommand;
type AnyMessage = ClassroomMessage | LiveMessage;

let source: Source<AnyCommand, AnyMessage> | null = null;
/** play and pause commands sent to this source (applyFrames holds the asked-for play state until its frames count them) */
let playPausesSent = 0;
let pending: FrameMessage[] = [];
let raf = 0;
/** live: the page's connections (the runtime's peerStats) */
let links: () => PeerStat[] = () => [];

const PLAYBACK = new Set(['play', 'pause', 'step', 'seek', 'speed', 'back']);

/** The live history's playback (pause, play, step, seek, back) applied to what the views show. */
function live(cmd: PlaybackCommand | { type: 'back' }): void {
  useUi.setState((s) => {
    const v = playback(s, cmd);
    return { ...v, ...shown(v), playing: v.frozen === null };
  });
}

export function send(cmd: AnyCommand | { type: 'back' }): void {
  // a live network does not stop: its playback moves the views over the history kept here
  if (useUi.getState().mode === 'live' && PLAYBACK.has(cmd.type)) return live(cmd as PlaybackCommand);
  if (cmd.type === 'back') return;
  // the run moves: the caption shown is again the last one reached
  if ((cmd.type === 'play' || cmd.type === 'step' || cmd.type === 'seek') && useUi.getState().captionPin !== null) useUi.setState({ captionPin: null });
  if (source && (cmd.type === 'play' || cmd.type === 'pause')) askedToPlay(cmd.type === 'play');
  source?.send(cmd);
}

/**
 * Shows at once the play state a play or pause command asks for: a space pressed before the
 * source's answer comes must toggle from it, not from a frame that left before the command.
 */
export function askedToPlay(playing: boolean): void {
  playPausesSent++;
  useUi.setState({ playing });
}

function apply(): void {
  raf = 0;
  const batch = pending;
  pending = [];
  if (batch.length === 0) return;
  if (useUi.getState().mode === 'live') {
    // kept whether or not the views are frozen; frozen views stay where they are
    useUi.setState((s) => {
      const v = { history: record(s.history, batch), frozen: s.frozen };
      return s.frozen === null ? { ...v, ...shown(v), playing: true } : v;
    });
    return;
  }
  useUi.setState((s) => applyFrames(s, batch, playPausesSent));
  const { lesson, events, pauseAtCaption, playing } = useUi.getState();
  if (pauseAtCaption !== null && lesson && captionIndexAt(lesson, events) >= pauseAtCaption) {
    // several captions may have come up in this batch (one virtual moment): show the one asked for
    useUi.setState({ pauseAtCaption: null, captionPin: pauseAtCaption });
    if (playing) send({ type: 'pause' });
  }
}

function receive(m: AnyMessage): void {
  switch (m.type) {
    case 'frame':
      pending.push(m);
      raf ||= requestAnimationFrame(apply);
      return;
    case 'scenario': {
      // an action is recorded in the scenario: the address bar's link replays it
      const { scenario, lesson } = useUi.getState();
      if (JSON.stringify(m.scenario) !== JSON.stringify(scenario)) history.replaceState(null, '', encodeShare(lesson?.id ?? null, m.scenario));
      useUi.setState({ scenario: m.scenario });
      return;
    }
    case 'status': {
      // an ask to become a validator is answered by the stage: validator, or one that cannot sign
      const answered = m.status.stage === 'validator' || m.status.stage === 'observer' || m.status.stage === 'stopped';
      useUi.setState((s) => ({ status: m.status, becomeAskedAt: answered ? null : s.becomeAskedAt, hadPeers: s.hadPeers || m.status.peers.length > 0 }));
      return;
    }
    case 'wal': {
      // prevote-<chain id>.wal, once: the local testnet's chain id starts with it already
      const chain = useUi.getState().status?.chainId || 'live';
      const name = 'node' in m ? `${m.node}.wal` : `${chain.startsWith('prevote') ? chain : `prevote-${chain}`}.wal`;
      download(name, new Blob([m.bytes as BlobPart], { type: 'application/octet-stream' }));
      return;
    }
    case 'genesis':
      download('genesis.json', new Blob([m.json], { type: 'application/json' }));
      return;
    case 'pace':
      useUi.setState({ pace: m.pace });
      return;
    case 'notice':
      useUi.setState({ notice: m.text });
      return;
    case 'seeking':
      useUi.setState({ seeking: m.progress });
      return;
    case 'error': {
      const line = m.message.split('\n')[0];
      useUi.setState({ notice: useUi.getState().mode === 'live' ? `The node reported: ${line}` : `The simulation stopped: ${line}` });
    }
  }
}

/** Watches this source from now on (the previous one is closed). */
export function connect(next: Source<ClassroomCommand, ClassroomMessage> | Source<LiveCommand, LiveMessage> | Source<WalCommand, SourceMessage>): void {
  source?.close();
  // each source is sent only its own commands: the classroom's by the classroom's views, the live node's by the live panel
  source = next as Source<AnyCommand, AnyMessage>;
  pending = [];
  playPausesSent = 0;
  source.onMessage(receive);
}

/**
 * Watches this tab's live node (issue 13). The page is the live view from now on, its stage
 * "starting" until the runtime is up; a runtime that cannot start is shown as stopped, with why.
 */
export function startLive(runtime: Promise<LiveRuntime>): void {
  useUi.setState({ mode: 'live', lesson: null, events: [], frame: null, playing: true, history: NO_HISTORY, frozen: null, status: null, hadPeers: false, liveFailure: null, becomeAskedAt: null, notice: null });
  runtime.then(
    (rt) => {
      links = () => rt.peerStats();
      connect(rt.source);
      // leaving the page ends the node (its key's lock, its connections); a page brought back
      // from the back/forward cache would show a node that no longer runs: start it afresh
      addEventListener('pagehide', () => rt.stop(), { once: true });
      addEventListener('pageshow', (e: PageTransitionEvent) => e.persisted && location.reload());
    },
    (e: unknown) => useUi.setState({ liveFailure: `The node could not start: ${e instanceof Error ? e.message : String(e)}` }),
  );
}

/**
 * The page is the WAL debugger from now on (issue 14): no lesson, no frames until a file is
 * chosen; ui/wal/ then connects the chosen file's WalSource, whose frames take the common path.
 */
export function enterWal(): void {
  useUi.setState({ mode: 'wal', lesson: null, events: [], frame: null, playing: false, horizon: 0, selectedEvent: null, notice: null, pauseAtCaption: null, captionPin: null });
}

/** The live node's stage and why, a runtime that failed to start included. */
export function liveStage(s: Pick<UiState, 'status' | 'liveFailure'>): { stage: LiveStatus['stage']; why: string | null } {
  if (s.liveFailure !== null) return { stage: 'stopped', why: s.liveFailure };
  return { stage: s.status?.stage ?? 'starting', why: s.status?.why ?? null };
}

/** The live node's connections now (empty before it is up). */
export function peerStats(): PeerStat[] {
  try {
    return links();
  } catch {
    return []; // a runtime stopping: no connections to show
  }
}

/** Asks the live node to send its validator-update transaction; the button waits for the stage. */
export function becomeValidator(power = 1): void {
  useUi.setState({ becomeAskedAt: Date.now() });
  send({ type: 'becomeValidator', power });
}

export function startWorker(): void {
  connect(classroomWorkerSource());
  openShareLink();
  // a link pasted into this tab's address bar differs only in its hash: the browser does not
  // reload, so the page reads it (replaceState, which the page writes its own links with, fires nothing)
  window.addEventListener('hashchange', openShareLink);
}

/** Opens the run the address names (a share link, a lesson), or the first lesson. */
function openShareLink(): void {
  const params = shareParams(location);
  const shared = decodeShare(params);
  // a link typed as a query is read as one, then kept where share links keep it (load writes the hash)
  if (params.startsWith('?') && !shared.error) history.replaceState(null, '', location.pathname);
  const lesson = (shared.lessonId && lessonById(shared.lessonId)) || (shared.scenario ? null : LESSONS[0]);
  load(shared.scenario ?? lesson!.scenario, lesson ?? null, shared.error, false);
  // the moment and the node the link was made at (url.ts)
  if (shared.at) {
    send({ type: 'select', node: shared.at.node });
    if (shared.at.t > 0) send({ type: 'seek', t: shared.at.t });
  }
}

/**
 * `brokenLink`: the notice about a link that could not be read, which then stays in the address bar to be reported.
 * `yours`: a network started from the settings (a restart keeps it so).
 */
export function load(scenario: Scenario, lesson: Lesson | null, brokenLink: string | null = null, yours = !lesson && useUi.getState().yours): void {
  useUi.setState({ scenario, lesson, events: [], frame: null, horizon: 0, selectedEvent: null, seeking: null, notice: brokenLink, pauseAtCaption: null, captionPin: null, yours: !lesson && yours });
  if (!brokenLink) history.replaceState(null, '', encodeShare(lesson?.id ?? null, scenario));
  send({ type: 'load', scenario });
}

export function act(fault: FaultSpec): void {
  // the views' fault buttons are the classroom's: a live network is not ours to break
  if (useUi.getState().mode === 'live') return;
  send({ type: 'act', fault });
}

export function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
