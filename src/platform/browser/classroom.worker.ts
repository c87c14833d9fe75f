// The classroom's Web Worker: runs a ClassroomSession (the real engine, nodes and reactors on
// a virtual clock) paced against the wall clock, and posts frames of plain data to the page.
// Commands are handled one at a time, in order, between simulation slices.
/// <reference lib="webworker" />
import type { FromWorker, ToWorker, ViewEvent } from '../../core/view.js';
import { concat } from '../../core/bytes.js';
import { encodeWalRecord } from '../../core/wal/record.js';
import { ClassroomSession } from '../../sim/session.js';

const session = new ClassroomSession();
let loaded = false;
let playing = false;
let speed = 1;
let target = 0;
let lastWall = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
let queue: Promise<void> = Promise.resolve();

const FRAME_MS = 33;
/** Wall time a slice may spend simulating, so commands and frames stay responsive. */
const SLICE_MS = 20;
/** A slice when the simulation cannot keep up: frames still reach the page about 20 times a second. */
const BEHIND_SLICE_MS = 50;
let behind = false;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(msg, transfer);
}

function frame(reset: boolean, events: ViewEvent[]): void {
  post({ type: 'frame', reset, events, frame: session.frame(), playing, scenario: session.scenario });
}

async function tick(): Promise<void> {
  timer = null;
  if (!playing) return;
  const now = performance.now();
  target = Math.max(target, session.now) + (now - lastWall) * speed;
  lastWall = now;
  // Behind the wall clock (many validators), the simulation takes the worker's time: a longer
  // slice, the frame, then straight on. A slow machine falls behind instead of piling up work.
  const caughtUp = await session.advanceTo(target, behind ? BEHIND_SLICE_MS : SLICE_MS, () => performance.now());
  behind = !caughtUp;
  if (behind) target = session.now;
  frame(false, session.drain());
  if (playing) timer = setTimeout(() => run(tick), behind ? 0 : FRAME_MS);
}

function run(fn: () => Promise<void>): void {
  queue = queue.then(fn).catch((e: Error) => post({ type: 'error', message: e.stack ?? e.message }));
}

async function handle(cmd: ToWorker): Promise<void> {
  if (cmd.type === 'load') {
    await session.load(cmd.scenario);
    loaded = true;
    playing = false;
    target = 0;
    return frame(true, session.drain());
  }
  if (!loaded) return;
  switch (cmd.type) {
    case 'play':
      playing = true;
      lastWall = performance.now();
      target = session.now;
      if (!timer) timer = setTimeout(() => run(tick), 0);
      return frame(false, []);
    case 'pause':
      playing = false;
      return frame(false, session.drain());
    case 'step':
      playing = false;
      await session.step();
      return frame(false, session.drain());
    case 'speed':
      speed = cmd.factor;
      return;
    case 'seek': {
      const was = playing;
      const events = await session.seek(cmd.t);
      target = session.now;
      lastWall = performance.now();
      playing = was;
      return frame(true, events);
    }
    case 'select':
      session.selected = cmd.node;
      return frame(false, session.drain());
    case 'act':
      await session.act(cmd.fault);
      return frame(false, session.drain());
    case 'exportWal': {
      const bytes = concat(...session.sim.nodes[cmd.node].wal.records.map(encodeWalRecord));
      return post({ type: 'wal', node: cmd.node, bytes }, [bytes.buffer]);
    }
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => run(() => handle(e.data));
