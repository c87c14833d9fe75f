// The page's state (zustand): a source's frames applied at most once per animation frame
// (applyFrames), the accumulated event log, the lesson and the controls. Views read from here and
// send commands through `send`; the store talks to a Source, today the classroom's worker.
import { create } from 'zustand';
import type { FaultSpec, Scenario } from '../core/scenario.js';
import type { Frame, ObsEvent } from '../observe/model.js';
import type { FrameMessage } from '../observe/protocol.js';
import type { ClassroomCommand, ClassroomMessage } from '../observe/classroom.js';
import type { Source } from './source.js';
import { classroomWorkerSource } from './source.js';
import { applyFrames } from './apply.js';
import { LESSONS, lessonById } from './lessons.js';
import type { Lesson } from './lessons.js';
import { decodeShare, encodeShare } from './url.js';
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
}));

let source: Source<ClassroomCommand, ClassroomMessage> | null = null;
let pending: FrameMessage[] = [];
let raf = 0;

export function send(cmd: ClassroomCommand): void {
  // the run moves: the caption shown is again the last one reached
  if ((cmd.type === 'play' || cmd.type === 'step' || cmd.type === 'seek') && useUi.getState().captionPin !== null) useUi.setState({ captionPin: null });
  source?.send(cmd);
}

function apply(): void {
  raf = 0;
  const batch = pending;
  pending = [];
  if (batch.length === 0) return;
  useUi.setState((s) => applyFrames(s, batch));
  const { lesson, events, pauseAtCaption, playing } = useUi.getState();
  if (pauseAtCaption !== null && lesson && captionIndexAt(lesson, events) >= pauseAtCaption) {
    // several captions may have come up in this batch (one virtual moment): show the one asked for
    useUi.setState({ pauseAtCaption: null, captionPin: pauseAtCaption });
    if (playing) send({ type: 'pause' });
  }
}

function receive(m: ClassroomMessage): void {
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
    case 'wal':
      download(`${m.node}.wal`, new Blob([m.bytes as BlobPart], { type: 'application/octet-stream' }));
      return;
    case 'error':
      useUi.setState({ notice: `The simulation stopped: ${m.message.split('\n')[0]}` });
  }
}

/** Watches this source from now on (the previous one is closed). */
export function connect(next: Source<ClassroomCommand, ClassroomMessage>): void {
  source?.close();
  source = next;
  pending = [];
  next.onMessage(receive);
}

export function startWorker(): void {
  connect(classroomWorkerSource());
  const shared = decodeShare(location.hash);
  const lesson = (shared.lessonId && lessonById(shared.lessonId)) || (shared.scenario ? null : LESSONS[0]);
  load(shared.scenario ?? lesson!.scenario, lesson ?? null, shared.error, false);
}

/**
 * `brokenLink`: the notice about a link that could not be read, which then stays in the address bar to be reported.
 * `yours`: a network started from the settings (a restart keeps it so).
 */
export function load(scenario: Scenario, lesson: Lesson | null, brokenLink: string | null = null, yours = !lesson && useUi.getState().yours): void {
  useUi.setState({ scenario, lesson, events: [], frame: null, horizon: 0, selectedEvent: null, notice: brokenLink, pauseAtCaption: null, captionPin: null, yours: !lesson && yours });
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
