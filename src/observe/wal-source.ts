// A WAL replay as a Source (./protocol.ts): the playback commands over a WAL's records, answered
// with the frames and events the classroom sends (./wal.ts projects them), so the views can show
// a WAL as they show a simulation. `step` applies the next record; `seek` goes to a time (ms since
// the first record) and `seekRecord` to a record position, both as one reset frame carrying every
// event up to there; `play` applies records at their recorded pace times `speed` (a gap longer than
// MAX_GAP_MS, e.g. a restart, is played as MAX_GAP_MS); `select` has one node to choose from.
// On `onMessage` the source sends the state before the first record.
import type { WalFile } from '../core/wal/inspect.js';
import type { ReadWalRecord } from '../core/wal/record.js';
import type { ObsEvent } from './model.js';
import type { PlaybackCommand, Source, SourceMessage } from './protocol.js';
import type { GenesisValidatorView, WalProjectionOptions } from './wal.js';
import { WalProjection } from './wal.js';

/** The WAL source's own command: the state after the first `records` records. */
export type WalCommand =
  | PlaybackCommand
  | { type: 'seekRecord'; records: number }
  /** the state right after the node entered `height`/`round` (the first such record; or the next one after) */
  | { type: 'seekHeight'; height: number; round: number }
  /** one record back */
  | { type: 'back' };

export interface WalSourceOptions extends WalProjectionOptions {
  /** the most events a reset frame carries (absent: all of them) */
  window?: number;
}

/**
 * How many records lie before the node's entry into height/round: the first roundState record at
 * it, or failing that the first one past it. The state after that record is "at" the height/round.
 */
export function recordsBefore(records: readonly { record: ReadWalRecord }[], height: number, round: number): number {
  for (let i = 0; i < records.length; i++) {
    const r = records[i].record;
    if (r.type !== 'roundState') continue;
    const h = r.event.height;
    if (h > height || (h === height && r.event.round >= round)) return i;
  }
  return records.length;
}

/** A height the node entered in a WAL and the rounds of it it entered (its roundState records), in order. */
export interface HeightRounds {
  height: number;
  rounds: number[];
}

/** Every height the WAL shows the node entering, with its rounds (a restarted node's repeats merged). */
export function roundsEntered(records: readonly { record: ReadWalRecord }[]): HeightRounds[] {
  const byHeight = new Map<number, Set<number>>();
  for (const { record: r } of records) {
    if (r.type !== 'roundState') continue;
    let rounds = byHeight.get(r.event.height);
    if (!rounds) byHeight.set(r.event.height, (rounds = new Set()));
    rounds.add(r.event.round);
  }
  return [...byHeight].map(([height, rounds]) => ({ height, rounds: [...rounds].sort((a, b) => a - b) })).sort((a, b) => a.height - b.height);
}

/** Sorted whole numbers as runs: "0–2, 5, 7–44". */
function runs(xs: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    out.push(i === j ? `${xs[i]}` : `${xs[i]}–${xs[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

/**
 * Why "go to height/round" cannot go where asked in a WAL with these rounds, or null when it can:
 * a seek to where the node never was would land at the next place it was, without a word.
 */
export function seekHeightProblem(entered: readonly HeightRounds[], height: number, round: number): string | null {
  const notWhole = (x: number) => !Number.isSafeInteger(x) || x < 0;
  if (notWhole(height)) return `height ${height} is not a height: height and round are whole numbers, 0 or more`;
  if (notWhole(round)) return `round ${round} is not a round: height and round are whole numbers, 0 or more`;
  if (entered.length === 0) return 'this WAL records no round the node entered';
  const at = entered.find((r) => r.height === height);
  if (!at) {
    const lo = entered[0].height;
    const hi = entered[entered.length - 1].height;
    return `no height ${height} in this WAL: it shows ${lo === hi ? `height ${lo}` : `heights ${lo}–${hi}`}`;
  }
  if (!at.rounds.includes(round)) return `height ${height} has ${at.rounds.length === 1 ? 'round' : 'rounds'} ${runs(at.rounds)} in this WAL, not round ${round}`;
  return null;
}

/**
 * Why "go to record" cannot go to `text` records applied in a WAL of `total` records, or null
 * when it can (`Number(text)` then): a seek clamps, so 2005 of 2004 would land at the end and
 * 12.5 nowhere in particular, without a word. An exponent that makes a whole number (1e3) is
 * that number, as the number field reads it.
 */
export function seekRecordProblem(total: number, text: string): string | null {
  if (text.trim() === '') return `which record? 0 (the start) to ${total} records applied`;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) return `records applied is a whole number from 0 to ${total}, not ${text.trim()}`;
  if (n > total) return `this WAL has ${total} records: 0 to ${total} records applied, not ${text.trim()}`;
  return null;
}

export interface WalSourceClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
}

const FRAME_MS = 33;
/** The longest wait between two records during play, in recorded ms. */
export const MAX_GAP_MS = 2000;
/** Records applied per frame at most, so a fast speed on a large WAL stays responsive. */
const MAX_RECORDS_PER_FRAME = 2000;

const systemClock: WalSourceClock = { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms) };

export class WalSource implements Source<WalCommand> {
  readonly projection: WalProjection;
  private cb: (m: SourceMessage) => void = () => undefined;
  private playing = false;
  /** play and pause commands handled since the receiver was registered (FrameMessage.playPauses) */
  private playPauses = 0;
  private speed = 1;
  private timer = false;
  private lastWall = 0;
  /** recorded ms played since the last record applied */
  private sinceLast = 0;
  private readonly window: number;
  /** events the page holds since the last reset frame */
  private held = 0;

  constructor(
    readonly file: WalFile,
    opts: WalSourceOptions,
    private readonly clock: WalSourceClock = systemClock,
  ) {
    this.projection = new WalProjection(file, opts);
    this.window = opts.window && opts.window > 0 ? opts.window : Infinity;
  }

  /**
   * A genesis was matched to the file: its validators (in the set's order, lower-case hex
   * addresses) widen the vote sets and name their columns, and the keys that verified the
   * proposals name the proposers (shown at once).
   */
  setGenesis(validators: readonly GenesisValidatorView[], proposers: ReadonlyMap<string, string>): void {
    this.projection.setGenesis(validators, proposers);
    this.postReset();
  }

  onMessage(cb: (m: SourceMessage) => void): void {
    this.cb = cb;
    this.playPauses = 0; // the new receiver (the page watching the file again) counts from 0
    this.postReset();
  }

  close(): void {
    this.playing = false;
    this.cb = () => undefined;
  }

  send(cmd: WalCommand): void {
    try {
      this.handle(cmd);
    } catch (e) {
      const err = e as Error;
      this.cb({ type: 'error', message: err.stack ?? err.message });
    }
  }

  private post(reset: boolean, events: ObsEvent[]): void {
    if (!reset && this.held + events.length > 2 * this.window) return this.postReset();
    this.held = reset ? events.length : this.held + events.length;
    this.cb({ type: 'frame', reset, events, frame: this.projection.frame(), playing: this.playing, playPauses: this.playPauses });
  }

  /** A reset frame: the events up to the position (the last `window` of them). */
  private postReset(): void {
    const applied = this.projection.replay.state.applied;
    this.post(true, this.projection.events(Math.max(0, applied - this.window), applied));
  }

  /** Applies up to n records; returns their events. */
  private advance(n: number): ObsEvent[] {
    const r = this.projection.replay;
    const from = r.state.applied;
    r.next(n);
    this.sinceLast = 0;
    return this.projection.events(from, r.state.applied);
  }

  private seekTo(records: number): void {
    const r = this.projection.replay;
    r.seek(records);
    this.sinceLast = 0;
    this.lastWall = this.clock.now();
    this.postReset();
  }

  private handle(cmd: WalCommand): void {
    const p = this.projection;
    if (cmd.type === 'play' || cmd.type === 'pause') this.playPauses++;
    switch (cmd.type) {
      case 'step':
        this.playing = false;
        return this.post(false, this.advance(1));
      case 'seek':
        return this.seekTo(p.indexAt(cmd.t));
      case 'seekRecord':
        return this.seekTo(cmd.records);
      case 'seekHeight':
        return this.seekTo(recordsBefore(this.file.entries, cmd.height, cmd.round) + 1);
      case 'back':
        this.playing = false;
        return this.seekTo(p.replay.state.applied - 1);
      case 'play':
        if (p.replay.state.applied >= p.total) return this.post(false, []);
        this.playing = true;
        this.lastWall = this.clock.now();
        this.schedule(0);
        return this.post(false, []);
      case 'pause':
        this.playing = false;
        return this.post(false, []);
      case 'speed':
        if (Number.isFinite(cmd.factor) && cmd.factor > 0) this.speed = cmd.factor;
        return;
      case 'select':
        return this.post(false, []); // one node: nothing to choose
    }
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = true;
    this.clock.setTimeout(() => {
      this.timer = false;
      try {
        this.tick();
      } catch (e) {
        this.playing = false;
        const err = e as Error;
        this.cb({ type: 'error', message: err.stack ?? err.message });
      }
    }, ms);
  }

  /** One frame of play: the records whose (gap-capped) recorded time has come. */
  private tick(): void {
    if (!this.playing) return;
    const p = this.projection;
    const now = this.clock.now();
    let budget = Math.max(0, now - this.lastWall) * this.speed;
    this.lastWall = now;
    const events: ObsEvent[] = [];
    let n = 0;
    while (p.replay.state.applied < p.total && n < MAX_RECORDS_PER_FRAME) {
      const i = p.replay.state.applied;
      const gap = i === 0 ? 0 : Math.min(MAX_GAP_MS, Math.max(0, p.time(i) - p.time(i - 1)));
      if (this.sinceLast + budget < gap) {
        this.sinceLast += budget;
        break;
      }
      budget -= Math.max(0, gap - this.sinceLast);
      events.push(...this.advance(1));
      n++;
    }
    if (p.replay.state.applied >= p.total) this.playing = false;
    this.post(false, events);
    if (this.playing) this.schedule(FRAME_MS);
  }
}
