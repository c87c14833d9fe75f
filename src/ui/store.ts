// The page's state (zustand): the worker's frames applied at most once per animation frame, the
// accumulated event log, the lesson and the controls. Views read from here and send commands
// through `send`.
import { create } from 'zustand';
import type { FaultSpec, FrameView, FromWorker, Scenario, ToWorker, ViewEvent } from '../core/view.js';
import { LESSONS, lessonById } from './lessons.js';
import type { Lesson } from './lessons.js';
import { decodeShare, encodeShare } from './url.js';
import { captionIndexAt } from './captions.js';

export interface UiState {
  lesson: Lesson | null;
  scenario: Scenario;
  events: ViewEvent[];
  frame: FrameView | null;
  playing: boolean;
  speed: number;
  /** furthest virtual time reached in this history (the seek bar's end) */
  horizon: number;
  selectedEvent: ViewEvent | null;
  notice: string | null;
  showMessages: boolean;
  /** presenter mode: large captions */
  presenter: boolean;
  /** the keyboard help is showing */
  help: boolean;
  /** play until this caption (index) comes up, then pause */
  pauseAtCaption: number | null;
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
}));

let worker: Worker | null = null;
let pending: Extract<FromWorker, { type: 'frame' }>[] = [];
let raf = 0;

export function send(cmd: ToWorker): void {
  worker?.postMessage(cmd);
}

function apply(): void {
  raf = 0;
  const batch = pending;
  pending = [];
  if (batch.length === 0) return;
  useUi.setState((s) => {
    let events = s.events;
    let horizon = s.horizon;
    for (const m of batch) {
      events = m.reset ? m.events : events.concat(m.events);
      if (m.reset) horizon = Math.max(m.frame.t, m.scenario === s.scenario ? horizon : 0);
    }
    const last = batch[batch.length - 1];
    horizon = Math.max(horizon, last.frame.t);
    if (last.scenario.faults.length !== s.scenario.faults.length) history.replaceState(null, '', encodeShare(s.lesson?.id ?? null, last.scenario));
    return { events, frame: last.frame, playing: last.playing, scenario: last.scenario, horizon };
  });
  const { lesson, events, pauseAtCaption, playing } = useUi.getState();
  if (pauseAtCaption !== null && lesson && captionIndexAt(lesson, events) >= pauseAtCaption) {
    useUi.setState({ pauseAtCaption: null });
    if (playing) send({ type: 'pause' });
  }
}

export function startWorker(): void {
  worker = new Worker(new URL('../platform/browser/classroom.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.type === 'frame') {
      pending.push(m);
      raf ||= requestAnimationFrame(apply);
    } else if (m.type === 'wal') {
      download(`n${m.node}.wal`, new Blob([m.bytes as BlobPart], { type: 'application/octet-stream' }));
    } else {
      useUi.setState({ notice: `The simulation stopped: ${m.message.split('\n')[0]}` });
    }
  };
  const shared = decodeShare(location.hash);
  const lesson = (shared.lessonId && lessonById(shared.lessonId)) || (shared.scenario ? null : LESSONS[0]);
  load(shared.scenario ?? lesson!.scenario, lesson ?? null, shared.error);
}

/** `brokenLink`: the notice about a link that could not be read, which then stays in the address bar to be reported. */
export function load(scenario: Scenario, lesson: Lesson | null, brokenLink: string | null = null): void {
  useUi.setState({ scenario, lesson, events: [], frame: null, horizon: 0, selectedEvent: null, notice: brokenLink, pauseAtCaption: null });
  if (!brokenLink) history.replaceState(null, '', encodeShare(lesson?.id ?? null, scenario));
  send({ type: 'load', scenario });
}

export function act(fault: FaultSpec): void {
  send({ type: 'act', fault });
}

export function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
