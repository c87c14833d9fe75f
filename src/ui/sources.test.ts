// One recorded run, two sources, the same views: the classroom's driver (the live simulator) and a
// replay of its recorded messages, applied by the store's applyFrames, give identical frames.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../core/scenario.js';
import type { ClassroomCommand, ClassroomMessage } from '../observe/classroom.js';
import type { FrameMessage, Source, SourceMessage } from '../observe/protocol.js';
import { replaySource } from '../observe/replay.js';
import { ClassroomDriver } from '../platform/browser/classroom-driver.js';
import { applyFrames, EMPTY } from './apply.js';
import type { Observed } from './apply.js';

const scenario: Scenario = { validators: 4, seed: 7, timeouts: { timeoutCommit: 500 }, faults: [] };

/** The classroom source in-process: the worker's driver, messages cloned as postMessage would. */
function liveSource(): Source<ClassroomCommand, ClassroomMessage> & { idle(): Promise<void> } {
  let cb: (m: ClassroomMessage) => void = () => undefined;
  const driver = new ClassroomDriver((m) => cb(structuredClone(m)), { now: () => 0, setTimeout: () => null });
  return { send: (c) => driver.command(c), onMessage: (f) => (cb = f), close: () => undefined, idle: () => driver.idle() };
}

const steps = (n: number): ClassroomCommand[] => Array.from({ length: n }, () => ({ type: 'step' }));
const SCRIPT: ClassroomCommand[] = [
  { type: 'load', scenario },
  ...steps(30),
  { type: 'select', node: 'n2' },
  ...steps(10),
  { type: 'seek', t: 1500 },
  { type: 'act', fault: { kind: 'crash', node: 1 } },
  ...steps(20),
  { type: 'seek', t: 4000 },
  { type: 'select', node: 'n1' },
  ...steps(5),
];

/** Runs the script on a live source; returns every message and the store's state after each frame. */
async function runLive(): Promise<{ messages: ClassroomMessage[]; states: Observed[] }> {
  const src = liveSource();
  const messages: ClassroomMessage[] = [];
  const states: Observed[] = [];
  let s = EMPTY;
  src.onMessage((m) => {
    messages.push(m);
    if (m.type === 'frame') states.push((s = applyFrames(s, [m])));
  });
  for (const c of SCRIPT) src.send(c);
  await src.idle();
  return { messages, states };
}

const isSourceMessage = (m: ClassroomMessage): m is SourceMessage => m.type === 'frame' || m.type === 'error';

describe('sources', () => {
  it('the live classroom source and a replay of its recording give the store identical frames', async () => {
    const recorded = await runLive();
    expect(recorded.messages.some((m) => m.type === 'error')).toBe(false);
    const frames = recorded.messages.filter((m): m is FrameMessage => m.type === 'frame');
    expect(frames.length).toBe(SCRIPT.length);
    // (a) the live source again: the same scenario and commands give the same frames
    const live = await runLive();
    // (b) the recording through a replay source, stepped and then played to the end
    const replay = replaySource(recorded.messages.filter(isSourceMessage));
    const replayed: Observed[] = [];
    let s = EMPTY;
    replay.onMessage((m) => {
      if (m.type === 'frame') replayed.push((s = applyFrames(s, [m])));
    });
    for (let i = 0; i < 10; i++) replay.send({ type: 'step' });
    replay.send({ type: 'play' });
    expect(replayed.length).toBe(live.states.length);
    replayed.forEach((r, i) => expect(r, `frame ${i}`).toEqual(live.states[i]));
    expect(live.states.at(-1)).toEqual(recorded.states.at(-1));
    // the run went somewhere: blocks committed, the action forked it, the selection followed
    const last = live.states.at(-1)!;
    expect(last.frame!.selected).toBe('n1');
    expect(last.frame!.nodes[1].up).toBe(false);
    expect(last.events.some((e) => e.type === 'NewBlock')).toBe(true);
    expect(last.events.every((e) => e.time - last.frame!.origin <= last.frame!.t)).toBe(true);
  }, 60_000);

  it('every frame is JSON-safe plain data (no bigint, bytes or class instances)', async () => {
    const { messages } = await runLive();
    for (const m of messages.filter(isSourceMessage)) expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  }, 60_000);

  it('a replay seeks to the state of the recording at that moment', async () => {
    const { messages, states } = await runLive();
    const replay = replaySource(messages.filter(isSourceMessage));
    let got: Observed = EMPTY;
    replay.onMessage((m) => {
      if (m.type === 'frame') got = applyFrames(EMPTY, [m]);
    });
    const t = states.find((st) => st.frame!.t >= 1000)!.frame!.t;
    replay.send({ type: 'seek', t });
    // the recording up to its first frame past t
    const want = states[states.findIndex((st) => st.frame!.t > t) - 1];
    expect(got.frame).toEqual(want.frame);
    expect(got.events).toEqual(want.events);
  }, 60_000);

  it('a play state the page asked for holds against frames that left the source before the command', async () => {
    const src = liveSource();
    const frames: FrameMessage[] = [];
    src.onMessage((m) => m.type === 'frame' && frames.push(m));
    src.send({ type: 'load', scenario });
    src.send({ type: 'play' });
    await src.idle();
    const playingFrame = frames.at(-1)!;
    expect(playingFrame).toMatchObject({ playing: true, playPauses: 1 });
    // the page pauses (its second play/pause) while that frame is still on its way
    let s: Observed = { ...applyFrames(EMPTY, frames, 1), playing: false };
    s = applyFrames(s, [playingFrame], 2);
    expect(s.playing).toBe(false); // a space pressed now plays, as the button says
    src.send({ type: 'pause' });
    await src.idle();
    expect(frames.at(-1)).toMatchObject({ playing: false, playPauses: 2 });
    // the page plays again; the pause's answer, already on its way, does not undo it
    s = applyFrames({ ...s, playing: true }, [frames.at(-1)!], 3);
    expect(s.playing).toBe(true);
    src.send({ type: 'play' });
    await src.idle();
    s = applyFrames(s, [frames.at(-1)!], 3);
    expect(s.playing).toBe(true);
    // once the source has counted every command, its frames say what the run does
    s = applyFrames(s, [{ ...frames.at(-1)!, playing: false }], 3);
    expect(s.playing).toBe(false);
  }, 60_000);
});
