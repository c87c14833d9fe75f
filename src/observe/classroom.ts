// The classroom simulator's own part of the protocol: load a scenario, act on it (a fault, which
// forks the history), export a node's WAL. Its frames are the common ones (./protocol.ts).
import type { FaultSpec, Scenario } from '../core/scenario.js';
import type { NodeId } from './model.js';
import type { PlaybackCommand, SourceMessage } from './protocol.js';

export type ClassroomCommand =
  | PlaybackCommand
  | { type: 'load'; scenario: Scenario }
  | { type: 'act'; fault: FaultSpec }
  /** the node's WAL as a CometBFT WAL file */
  | { type: 'exportWal'; node: NodeId };

export type ClassroomMessage =
  | SourceMessage
  /** the scenario now running (after a load, and after each action, which is recorded in it) */
  | { type: 'scenario'; scenario: Scenario }
  /** a WAL file: raw bytes to save, not an observation */
  | { type: 'wal'; node: NodeId; bytes: Uint8Array };
