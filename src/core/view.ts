// What the views see of a running network: plain, serialisable data that crosses the worker
// boundary (DESIGN.md "Events are data", "Cross boundaries with copies"). The UI imports only
// these types; the simulator's driver produces them.
import type { RoundStateSnapshot } from './consensus/snapshot.js';
import type { FaultSpec, Scenario } from './scenario.js';

export type { RoundStateSnapshot, FaultSpec, Scenario };

export interface ViewEvent {
  seq: number;
  node: number;
  /** virtual ms since the start of the run */
  t: number;
  height: number;
  round: number;
  step: string;
  type: string;
  /** one readable line (the same text the CLI prints and the log hash covers) */
  text: string;
  /** short BlockID for events about a block, 'nil' for nil */
  block?: string;
}

export interface PeerView {
  peer: number;
  height: number;
  round: number;
  step: string;
  proposal: boolean;
  proposalBlockParts: string | null;
  prevotes: string | null;
  precommits: string | null;
  lastCommit: string | null;
  catchupCommit: string | null;
}

export interface NodeView {
  index: number;
  name: string;
  up: boolean;
  height: number;
  round: number;
  step: string;
  committed: number;
  lockedRound: number;
  lockedBlock: string | null;
  proposer: number;
  faults: string[];
  votingPower: string;
}

/** A message on the wire between two nodes (virtual ms since start). */
export interface MessageView {
  from: number;
  to: number;
  kind: string;
  sent: number;
  arrive: number;
}

/** A fault's span on the timeline (virtual ms since start; `to` null while in force). */
export interface FaultView {
  kind: string;
  nodes: number[];
  from: number;
  to: number | null;
}

export interface FrameView {
  /** virtual ms since start */
  t: number;
  steps: number;
  nodes: NodeView[];
  selected: number;
  /** the selected node's RoundState */
  roundState: RoundStateSnapshot | null;
  /** what the selected node knows of each peer */
  peers: PeerView[];
  /** partition groups in force (node indices), null when the network is whole */
  partition: number[][] | null;
  /** messages sent and not yet delivered (the most recent ones, at most MAX_IN_FLIGHT) */
  inFlight: MessageView[];
  /** every fault that has taken effect so far */
  faults: FaultView[];
  checks: { name: string; ok: boolean; details: string[] }[];
  logHash: string;
}

/** Worker → page */
export type FromWorker =
  | { type: 'frame'; reset: boolean; events: ViewEvent[]; frame: FrameView; playing: boolean; scenario: Scenario }
  | { type: 'wal'; node: number; bytes: Uint8Array }
  | { type: 'error'; message: string };

/** Page → worker */
export type ToWorker =
  | { type: 'load'; scenario: Scenario }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'speed'; factor: number }
  | { type: 'seek'; t: number }
  | { type: 'select'; node: number }
  | { type: 'act'; fault: FaultSpec }
  /** the node's WAL as a CometBFT WAL file */
  | { type: 'exportWal'; node: number };
