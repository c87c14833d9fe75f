// How views and sources talk. Every source — the classroom simulator in a worker, a live node, a
// WAL replay — takes the playback commands and answers with frames of the observation model;
// each may add commands and messages of its own (the classroom's are in ./classroom.ts).
import type { Frame, NodeId, ObsEvent } from './model.js';

/** Page → source: what every source understands (a source may ignore what it cannot do, e.g. seek). */
export type PlaybackCommand =
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  /** playback speed, 1 = real time */
  | { type: 'speed'; factor: number }
  /** go to `t` ms since the frame's origin */
  | { type: 'seek'; t: number }
  /** show this node's RoundState and peers */
  | { type: 'select'; node: NodeId };

/**
 * Source → page: the state at one moment and the events since the previous frame. `reset`: the
 * history was replaced (a new run, a seek, an action that forked it) and `events` is all of it.
 */
export interface FrameMessage {
  type: 'frame';
  reset: boolean;
  events: ObsEvent[];
  frame: Frame;
  playing: boolean;
  /**
   * How many play and pause commands the source has handled. Frames already on their way when
   * the page sends one still carry the old `playing`: the page shows the state it asked for until
   * a frame counts its command. A source that does not play (a live node) leaves it out.
   */
  playPauses?: number;
}

export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type SourceMessage = FrameMessage | ErrorMessage;

/** A source of observations as the views see it: commands in, messages out. */
export interface Source<C = PlaybackCommand, M = SourceMessage> {
  send(cmd: C): void;
  /** Registers the one receiver of the source's messages. */
  onMessage(cb: (m: M) => void): void;
  close(): void;
}
