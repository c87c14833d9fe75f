// The classroom source's loop: runs a ClassroomRun (the real engine, nodes and reactors on a
// virtual clock, with restart points to seek back from) paced against a wall clock, takes
// ClassroomCommands and posts ClassroomMessages. Commands are handled one at a time, in order,
// between simulation slices; a seek that comes while another waits replaces it (a dragged slider
// asks for many). While the page has nothing to show, the worker makes restart points. The Web
// Worker (classroom.worker.ts) gives it `postMessage` and the browser's clock; tests run it in-process.
import type { ClassroomCommand, ClassroomMessage, NextKind, PaceView } from '../../observe/classroom.js';
import type { ObsEvent } from '../../observe/model.js';
import { concat } from '../../core/bytes.js';
import { encodeWalRecord } from '../../core/wal/record.js';
import { formatGenesis } from '../../core/state/genesis.js';
import type { RunOptions } from '../../sim/session.js';
import { ClassroomRun } from '../../sim/session.js';

export interface WallClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  /** Lets queued messages in and resumes at once (a setTimeout(0) may wait 4 ms); default setTimeout(0). */
  yieldNow?(): Promise<void>;
}

const FRAME_MS = 33;
/** Wall time a slice may spend simulating, so commands and frames stay responsive. */
const SLICE_MS = 20;
/** A slice when the simulation cannot keep up: frames still reach the page about 20 times a second. */
const BEHIND_SLICE_MS = 50;
/** A slice of background work (restart points): a command waits at most about this long for it. */
const WORK_SLICE_MS = 15;
/** Background work starts once the page has sent nothing for this long (a person clicking is never kept waiting). */
const QUIET_MS = 300;
/** Following the action: votes and proposals among 4 validators cross the screen in about a second (delays of 10–50 ms)… */
const FOLLOW_MESSAGES = 0.05;
/** …and while the nodes only wait for a timeout, time passes as it does. */
const FOLLOW_WAITING = 1;

/**
 * The follow pace while votes and proposals are on the wire. The more validators, the less an eye
 * follows single messages and the more the waves of votes crossing the network: the slow motion
 * eases in proportion to their number, to real time from 80 validators (at 4 validators' pace, a
 * 100-validator height took half a minute to commit).
 */
export function followPace(validators: number): number {
  return Math.min(FOLLOW_WAITING, (FOLLOW_MESSAGES * Math.max(4, validators)) / 4);
}
/** "Next …" searches this far ahead (virtual ms), for at most this long (wall ms). */
const NEXT_LIMIT_MS = 120_000;
const NEXT_BUDGET_MS = 5_000;
/** While the slider is dragged, the run's position is shown at most this often (wall ms). */
const DRAG_FRAME_MS = 100;
/** A seek's replay says where it is after this long, and then this often (wall ms). */
const SEEK_PROGRESS_MS = 300;
/** How often the achieved pace is reported while playing (wall ms). */
const PACE_EVERY_MS = 1_000;

const NEXT_NAMES: Record<NextKind, string> = { polka: 'polka', lock: 'lock', timeout: 'timeout', commit: 'commit' };

export class ClassroomDriver {
  readonly run: ClassroomRun;
  private loaded = false;
  private playing = false;
  /** play and pause commands handled (FrameMessage.playPauses) */
  private playPauses = 0;
  private speed = 1;
  private auto = true;
  private target = 0;
  private lastWall = 0;
  private timer: unknown = null;
  private behind = false;
  private queue: Promise<void> = Promise.resolve();
  /** a seek queued and not started yet: a later seek changes its time instead of queueing another */
  private waitingSeek: { t: number; n: number } | null = null;
  /** commands taken so far (a seek's number tells whether the next one is a seek) */
  private commands = 0;
  /** the events of seeks whose frames were left out (owe), for the next frame */
  private owed: { reset: boolean; events: ObsEvent[] } | null = null;
  private lastFrame = -Infinity;
  private working = false;
  private lastCommand = 0;
  /** the pace measured since `paceWall`: virtual ms simulated while playing */
  private paceWall = 0;
  private paceVirtual = 0;

  constructor(
    private readonly post: (m: ClassroomMessage, transfer?: Transferable[]) => void,
    private readonly wall: WallClock,
    /** how the run's validators sign (default: signSync) */
    sign?: RunOptions['sign'],
  ) {
    this.run = new ClassroomRun({ wallNow: () => wall.now(), sign });
  }

  /** Queues a command behind the ones before it (a seek behind a waiting seek replaces it). */
  command(cmd: ClassroomCommand): void {
    this.lastCommand = this.wall.now();
    if (cmd.type === 'seek' && this.waitingSeek) {
      this.waitingSeek.t = cmd.t;
      return;
    }
    const n = ++this.commands;
    if (cmd.type === 'seek') {
      const waiting = (this.waitingSeek = { t: cmd.t, n });
      return this.enqueue(() => {
        if (this.waitingSeek === waiting) this.waitingSeek = null;
        return this.seek(waiting.t, n);
      });
    }
    this.waitingSeek = null;
    this.enqueue(() => this.handle(cmd));
  }

  /** Resolves when every queued command (and slice) so far is done. */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(fn: () => Promise<void>): void {
    this.queue = this.queue.then(fn).catch((e: Error) => this.post({ type: 'error', message: e.stack ?? e.message }));
  }

  private frame(reset: boolean, events: ObsEvent[]): void {
    if (this.owed && !reset) [reset, events] = [this.owed.reset, this.owed.events.concat(events)];
    this.owed = null;
    this.lastFrame = this.wall.now();
    this.post({ type: 'frame', reset, events, frame: this.run.live.frame(), playing: this.playing, playPauses: this.playPauses });
    this.soon();
  }

  /** Keeps a seek's frame for the next one: its events, a reset (the whole history) included. */
  private owe(reset: boolean, events: ObsEvent[]): void {
    this.owed = reset || !this.owed ? { reset, events } : { reset: this.owed.reset, events: this.owed.events.concat(events) };
  }

  private scenario(): void {
    this.post({ type: 'scenario', scenario: structuredClone(this.run.live.scenario) });
  }

  private pace(achieved: number | null): void {
    const pace: PaceView = { auto: this.auto, speed: this.speed, achieved, behind: this.behind };
    this.post({ type: 'pace', pace });
  }

  /** The pace asked for now: following the action, or the fixed speed. */
  private rate(): number {
    if (!this.auto) return this.speed;
    return this.run.live.consensusOnTheWire() ? this.onTheWire() : FOLLOW_WAITING;
  }

  /** The follow pace while votes and proposals are on the wire, for this run's validators. */
  private onTheWire(): number {
    return followPace(this.run.live.sim.nodes.length);
  }

  private async tick(): Promise<void> {
    const run = this.run;
    const s = run.live;
    this.timer = null;
    if (!this.playing) return;
    const now = this.wall.now();
    const rate = this.rate();
    this.target = Math.max(this.target, s.now) + (now - this.lastWall) * rate;
    this.lastWall = now;
    const from = s.now;
    // Following the action, a run that was waiting slows down as soon as a vote or proposal goes
    // out (a crowd, followed at the same pace, runs on: a slice cut at every message was mostly frames)
    const sent = s.consensusSent;
    const stop = this.auto && rate > this.onTheWire() ? () => s.consensusSent !== sent : undefined;
    // Behind the wall clock (many validators), the simulation takes the worker's time: a longer
    // slice, the frame, then straight on. A slow machine falls behind instead of piling up work.
    const reached = await run.advanceTo(this.target, this.behind ? BEHIND_SLICE_MS : SLICE_MS, stop);
    const stopped = !reached && stop?.() === true;
    this.behind = !reached && !stopped;
    if (!reached) this.target = s.now;
    this.paceVirtual += s.now - from;
    const paceWall = this.wall.now() - this.paceWall;
    if (paceWall >= PACE_EVERY_MS) {
      this.pace(this.paceVirtual / paceWall);
      this.paceWall = this.wall.now();
      this.paceVirtual = 0;
    }
    this.frame(false, run.drain());
    if (this.playing) this.timer = this.later(() => this.enqueue(() => this.tick()), this.behind || stopped ? 0 : FRAME_MS);
  }

  /**
   * Runs `fn` after `ms`; at 0 through yieldNow: a chain of setTimeout(0) is clamped to 4 ms from
   * its fifth link, a fifth of every 15 ms slice of background work lost.
   */
  private later(fn: () => void, ms: number): unknown {
    if (ms > 0 || !this.wall.yieldNow) return this.wall.setTimeout(fn, ms);
    return this.wall.yieldNow().then(fn);
  }

  /** Seek number `n` (its command's): the next command may be another seek, already waiting. */
  private async seek(t: number, n: number): Promise<void> {
    if (!this.loaded) return;
    const dragged = () => this.waitingSeek?.n === n + 1;
    // a long replay lets messages in now and then: a newer seek (the slider still moving) stops
    // it; and it says where it is, or a person sees nothing happen for as long as it lasts
    let told = this.wall.now();
    let telling = false;
    const interrupt = () => {
      if (this.wall.now() - told >= SEEK_PROGRESS_MS) {
        told = this.wall.now();
        telling = true;
        this.post({ type: 'seeking', progress: { to: t, at: this.run.live.now } });
      }
      return new Promise<void>((resolve) => this.later(resolve, 0)).then(dragged);
    };
    const { reset, events } = await this.run.seek(Math.max(0, t), interrupt);
    if (telling) this.post({ type: 'seeking', progress: null });
    this.target = this.run.live.now;
    this.lastWall = this.wall.now();
    // the position after this one is already asked for, and a frame (the whole history, after
    // going back) costs the worker and the page tens of ms: a few a second while the slider moves
    if (dragged() && this.wall.now() - this.lastFrame < DRAG_FRAME_MS) return this.owe(reset, events);
    this.frame(reset, events);
  }

  private async next(kind: NextKind): Promise<void> {
    const run = this.run;
    this.playing = false;
    const found = await run.advanceToNext(kind, run.live.now + NEXT_LIMIT_MS, NEXT_BUDGET_MS);
    const node = run.live.sim.nodes[run.live.selected].name;
    if (!found) this.post({ type: 'notice', text: `No ${NEXT_NAMES[kind]} on ${node} came up by ${(run.live.now / 1000).toFixed(1)} s: the run stopped looking there.` });
    this.frame(false, run.drain());
  }

  /**
   * Background work while the page waits: restart points, one short slice at a time, queued like
   * a command so that commands and frames come first. Not while a run that cannot keep up plays.
   */
  private soon(delay = QUIET_MS): void {
    if (this.working || !this.loaded) return;
    this.working = true;
    this.later(() => this.enqueue(() => this.work()), delay);
  }

  private async work(): Promise<void> {
    this.working = false;
    if (this.playing && this.behind) return;
    const quiet = this.wall.now() - this.lastCommand;
    if (quiet < QUIET_MS) return this.soon(QUIET_MS - quiet);
    if (await this.run.work(WORK_SLICE_MS)) this.soon(this.playing ? FRAME_MS : 0);
  }

  private async handle(cmd: ClassroomCommand): Promise<void> {
    const run = this.run;
    if (cmd.type === 'play' || cmd.type === 'pause') this.playPauses++;
    if (cmd.type === 'load') {
      const events = await run.load(cmd.scenario);
      this.loaded = true;
      this.playing = false;
      this.behind = false;
      this.target = 0;
      this.scenario();
      // nobody is clicking yet: restart points are made from now on, so that a seek far ahead
      // soon after opening starts from one (the page's first commands still come first)
      this.lastCommand = -Infinity;
      this.soon(0);
      return this.frame(true, events);
    }
    if (!this.loaded) return;
    switch (cmd.type) {
      case 'play':
        this.playing = true;
        this.lastWall = this.paceWall = this.wall.now();
        this.paceVirtual = 0;
        this.target = run.live.now;
        if (!this.timer) this.timer = this.wall.setTimeout(() => this.enqueue(() => this.tick()), 0);
        return this.frame(false, []);
      case 'pause':
        this.playing = false;
        this.behind = false;
        this.pace(null);
        return this.frame(false, run.drain());
      case 'step':
        this.playing = false;
        await run.live.step();
        return this.frame(false, run.drain());
      case 'speed':
        this.speed = cmd.factor;
        this.auto = false;
        return this.pace(null);
      case 'autoPace':
        this.auto = true;
        return this.pace(null);
      case 'seekNext':
        return this.next(cmd.kind);
      case 'select':
        run.live.select(cmd.node);
        return this.frame(false, run.drain());
      case 'act': {
        const events = await run.act(cmd.fault);
        this.scenario();
        return this.frame(false, events);
      }
      case 'exportWal': {
        const sn = run.live.sim.nodes.find((n) => n.name === cmd.node);
        if (!sn) return;
        const bytes = concat(...sn.wal.records.map(encodeWalRecord));
        return this.post({ type: 'wal', node: cmd.node, bytes }, [bytes.buffer]);
      }
      case 'exportGenesis':
        return this.post({ type: 'genesis', json: formatGenesis(run.live.sim.genesis) });
    }
  }
}
