// The classroom source's loop: runs a ClassroomSession (the real engine, nodes and reactors on a
// virtual clock) paced against a wall clock, takes ClassroomCommands and posts ClassroomMessages.
// Commands are handled one at a time, in order, between simulation slices. The Web Worker
// (classroom.worker.ts) gives it `postMessage` and the browser's clock; tests run it in-process.
import type { ClassroomCommand, ClassroomMessage } from '../../observe/classroom.js';
import type { ObsEvent } from '../../observe/model.js';
import { concat } from '../../core/bytes.js';
import { encodeWalRecord } from '../../core/wal/record.js';
import { ClassroomSession } from '../../sim/session.js';

export interface WallClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
}

const FRAME_MS = 33;
/** Wall time a slice may spend simulating, so commands and frames stay responsive. */
const SLICE_MS = 20;
/** A slice when the simulation cannot keep up: frames still reach the page about 20 times a second. */
const BEHIND_SLICE_MS = 50;

export class ClassroomDriver {
  readonly session = new ClassroomSession();
  private loaded = false;
  private playing = false;
  private speed = 1;
  private target = 0;
  private lastWall = 0;
  private timer: unknown = null;
  private behind = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly post: (m: ClassroomMessage, transfer?: Transferable[]) => void,
    private readonly wall: WallClock,
  ) {}

  /** Queues a command behind the ones before it. */
  command(cmd: ClassroomCommand): void {
    this.run(() => this.handle(cmd));
  }

  /** Resolves when every queued command (and slice) so far is done. */
  idle(): Promise<void> {
    return this.queue;
  }

  private run(fn: () => Promise<void>): void {
    this.queue = this.queue.then(fn).catch((e: Error) => this.post({ type: 'error', message: e.stack ?? e.message }));
  }

  private frame(reset: boolean, events: ObsEvent[]): void {
    this.post({ type: 'frame', reset, events, frame: this.session.frame(), playing: this.playing });
  }

  private scenario(): void {
    this.post({ type: 'scenario', scenario: structuredClone(this.session.scenario) });
  }

  private async tick(): Promise<void> {
    const s = this.session;
    this.timer = null;
    if (!this.playing) return;
    const now = this.wall.now();
    this.target = Math.max(this.target, s.now) + (now - this.lastWall) * this.speed;
    this.lastWall = now;
    // Behind the wall clock (many validators), the simulation takes the worker's time: a longer
    // slice, the frame, then straight on. A slow machine falls behind instead of piling up work.
    const caughtUp = await s.advanceTo(this.target, this.behind ? BEHIND_SLICE_MS : SLICE_MS, () => this.wall.now());
    this.behind = !caughtUp;
    if (this.behind) this.target = s.now;
    this.frame(false, s.drain());
    if (this.playing) this.timer = this.wall.setTimeout(() => this.run(() => this.tick()), this.behind ? 0 : FRAME_MS);
  }

  private async handle(cmd: ClassroomCommand): Promise<void> {
    const s = this.session;
    if (cmd.type === 'load') {
      await s.load(cmd.scenario);
      this.loaded = true;
      this.playing = false;
      this.target = 0;
      this.scenario();
      return this.frame(true, s.drain());
    }
    if (!this.loaded) return;
    switch (cmd.type) {
      case 'play':
        this.playing = true;
        this.lastWall = this.wall.now();
        this.target = s.now;
        if (!this.timer) this.timer = this.wall.setTimeout(() => this.run(() => this.tick()), 0);
        return this.frame(false, []);
      case 'pause':
        this.playing = false;
        return this.frame(false, s.drain());
      case 'step':
        this.playing = false;
        await s.step();
        return this.frame(false, s.drain());
      case 'speed':
        this.speed = cmd.factor;
        return;
      case 'seek': {
        const was = this.playing;
        const events = await s.seek(cmd.t);
        this.target = s.now;
        this.lastWall = this.wall.now();
        this.playing = was;
        return this.frame(true, events);
      }
      case 'select':
        s.select(cmd.node);
        return this.frame(false, s.drain());
      case 'act':
        await s.act(cmd.fault);
        this.scenario();
        return this.frame(false, s.drain());
      case 'exportWal': {
        const sn = s.sim.nodes.find((n) => n.name === cmd.node);
        if (!sn) return;
        const bytes = concat(...sn.wal.records.map(encodeWalRecord));
        return this.post({ type: 'wal', node: cmd.node, bytes }, [bytes.buffer]);
      }
    }
  }
}
