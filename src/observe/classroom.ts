// The classroom simulator's own part of the protocol: load a scenario, act on it (a fault, which
// forks the history), export a node's WAL, jump to the next event of a kind, pace the run for a
// person. Its frames are the common ones (./protocol.ts).
import type { FaultSpec, Scenario } from '../core/scenario.js';
import type { Frame, NodeId } from './model.js';
import type { PlaybackCommand, SourceMessage } from './protocol.js';

/** What "next …" jumps to: the selected node's next polka, lock (or relock), timeout or commit. */
export type NextKind = 'polka' | 'lock' | 'timeout' | 'commit';

export type ClassroomCommand =
  | PlaybackCommand
  | { type: 'load'; scenario: Scenario }
  | { type: 'act'; fault: FaultSpec }
  /** the node's WAL as a CometBFT WAL file */
  | { type: 'exportWal'; node: NodeId }
  /** the simulated chain's genesis.json (the WAL debugger checks signatures against it) */
  | { type: 'exportGenesis' }
  /** run on to the selected node's next event of this kind and pause there */
  | { type: 'seekNext'; kind: NextKind }
  /**
   * Follow the action (`auto`): slow while proposals, parts and votes are on the wire, real time
   * while the nodes only wait. A `speed` command sets a fixed pace and turns this off.
   */
  | { type: 'autoPace' };

/** The classroom's frame: the common one (each node's running timeout is in its NodeSummary). */
export type ClassroomFrame = Frame;

/** How fast the run goes: what was asked, and what the simulator achieved over the last second. */
export interface PaceView {
  auto: boolean;
  speed: number;
  /** virtual ms simulated per wall ms while playing; null while paused */
  achieved: number | null;
  /** the simulator could not keep up with the pace asked */
  behind: boolean;
}

export type ClassroomMessage =
  | SourceMessage
  /** the scenario now running (after a load, and after each action, which is recorded in it) */
  | { type: 'scenario'; scenario: Scenario }
  /** a WAL file: raw bytes to save, not an observation */
  | { type: 'wal'; node: NodeId; bytes: Uint8Array }
  /** the chain's genesis.json, to save */
  | { type: 'genesis'; json: string }
  | { type: 'pace'; pace: PaceView }
  /** something the page should tell the person (a jump that found nothing) */
  | { type: 'notice'; text: string }
  /**
   * A seek that replays for long (going back at 100 validators replays from the start: restart
   * points of such a run do not fit in memory): where the replay is, now and then; null when done.
   */
  | { type: 'seeking'; progress: SeekProgress | null };

/** A replay on its way to a seek's moment (virtual ms since the run's start). */
export interface SeekProgress {
  to: number;
  at: number;
}
