// The observation model: what every source of truth (the classroom simulator, a live node, a WAL
// replay) gives the views. Typed, JSON-safe plain data (DESIGN.md "Events are data", "Cross
// boundaries with copies"): no bigint, no Uint8Array, no class instances, no display strings.
// Bit-arrays are sizes and indices, hashes are hex, nodes are string ids; the views format them.
import type { BitsSnapshot, BlockIdHex, RoundStateSnapshot, VoteSetSnapshot } from '../core/consensus/snapshot.js';

export type { BitsSnapshot as Bits, BlockIdHex, VoteSetSnapshot, RoundStateSnapshot };
/** The selected node's RoundState with its HeightVoteSet and validators (core/consensus/snapshot.ts). */
export type RoundStateView = RoundStateSnapshot;

/** A node's id: its peer id or validator address; in the simulator the node names `n0`, `n1`… */
export type NodeId = string;

/** CometBFT's RoundStepType names. */
export type StepName =
  | 'RoundStepNewHeight'
  | 'RoundStepNewRound'
  | 'RoundStepPropose'
  | 'RoundStepPrevote'
  | 'RoundStepPrevoteWait'
  | 'RoundStepPrecommit'
  | 'RoundStepPrecommitWait'
  | 'RoundStepCommit'
  | 'RoundStepUnknown';

export type VoteKind = 'prevote' | 'precommit';

interface EventBase {
  /** the node the event happened on */
  node: NodeId;
  /** absolute ms (the node's clock; the simulator's virtual clock) */
  time: number;
  height: number;
  round: number;
  step: StepName;
}

/** One consensus event (the engine's ConsensusEvent, projected by src/observe/project.ts). */
export type ObsEvent = EventBase &
  (
    | { type: 'NewRoundStep' }
    /** `proposer`: the address (hex) of this round's proposer */
    | { type: 'NewRound'; proposer: string }
    | { type: 'ProposalAccepted'; proposal: { height: number; round: number; polRound: number; blockId: BlockIdHex } }
    | { type: 'BlockPartAdded'; partHeight: number; partRound: number; index: number }
    | { type: 'CompleteProposal'; blockId: BlockIdHex }
    | { type: 'Polka'; blockId: BlockIdHex; voteRound: number }
    | { type: 'Lock'; blockId: BlockIdHex }
    | { type: 'Relock'; blockId: BlockIdHex }
    | { type: 'ValidBlock'; blockId: BlockIdHex; isCommit: boolean }
    | { type: 'Vote'; vote: { type: VoteKind; height: number; round: number; validatorIndex: number; validatorAddress: string; blockId: BlockIdHex } }
    | { type: 'TimeoutPropose' }
    | { type: 'TimeoutWait'; waitStep: StepName }
    | { type: 'NewBlock'; blockId: BlockIdHex; blockHeight: number; commitRound: number; txs: number }
    | { type: 'Evidence'; validatorIndex: number; validatorAddress: string; voteHeight: number; voteRound: number; voteType: VoteKind }
    /**
     * A timeout that fired at a step the engine reports no event for (timeout_commit at
     * RoundStepNewHeight, the wait for txs at RoundStepNewRound). A WAL records every timeout;
     * the engine itself emits TimeoutPropose and TimeoutWait only. `duration` in ms.
     */
    | { type: 'Timeout'; timeoutStep: StepName; duration: number }
    /** The node finished height `endHeight` (the WAL's EndHeight record, written after the block is saved). */
    | { type: 'EndHeight'; endHeight: number }
    /** An input that could not be applied (bad signature, wrong round…): logged, not fatal. */
    | { type: 'Rejected'; what: string; reason: string; peer: NodeId }
  );

export type ObsEventType = ObsEvent['type'];

/** A running timeout (ms since the frame's origin): the step's, armed at `from`, firing at `to`. */
export interface RunningTimeout {
  step: StepName;
  from: number;
  to: number;
}

/** One node at a glance (from getRoundStateSimple: cheap, every node every frame). */
export interface NodeSummary {
  id: NodeId;
  /** position in the source's list (the simulator's validator index) */
  index: number;
  /** what to call it on screen */
  name: string;
  /** its validator address (hex), when the source knows it: names the HeightVoteSet's columns */
  address?: string;
  up: boolean;
  height: number;
  round: number;
  step: StepName | 'down';
  /** the last height this node committed */
  committed: number;
  lockedRound: number;
  lockedBlock: BlockIdHex | null;
  /** this round's proposer, when it is one of the observed nodes */
  proposer: NodeId | null;
  /** faults in force on it (classroom) */
  faults: string[];
  votingPower: string;
  /** the timeout it waits on, when the source knows (observe/timers.ts): drawn as a countdown */
  timer?: RunningTimeout | null;
}

/** What a node knows of one peer (PeerState.prs), copied. */
export interface PeerRoundStateView {
  peer: NodeId;
  height: number;
  round: number;
  step: StepName | null;
  /** ms, the node's estimate of when the peer's round 0 started */
  startTime: number;
  proposal: boolean;
  proposalBlockParts: BitsSnapshot | null;
  proposalPOLRound: number;
  proposalPOL: BitsSnapshot | null;
  prevotes: BitsSnapshot | null;
  precommits: BitsSnapshot | null;
  lastCommitRound: number;
  lastCommit: BitsSnapshot | null;
  catchupCommitRound: number;
  catchupCommit: BitsSnapshot | null;
}

/** A message on the wire between two nodes (ms since the frame's origin). */
export interface MessageView {
  from: NodeId;
  to: NodeId;
  kind: string;
  sent: number;
  arrive: number;
}

/** A fault's span (ms since the frame's origin; `to` null while in force). */
export interface FaultSpan {
  kind: string;
  nodes: NodeId[];
  from: number;
  to: number | null;
}

export interface CheckView {
  name: string;
  ok: boolean;
  details: string[];
}

/** Everything the views draw at one moment. */
export interface Frame {
  /** absolute ms of the run's start: `t` and the spans below count from here */
  origin: number;
  /** ms since `origin` */
  t: number;
  /** steps the source has taken (the simulator's timers fired; records replayed) */
  steps: number;
  nodes: NodeSummary[];
  /** the node whose RoundState and peers are shown */
  selected: NodeId;
  roundState: RoundStateView | null;
  peers: PeerRoundStateView[];
  /** partition groups in force, null when the network is whole */
  partition: NodeId[][] | null;
  /** who is connected to whom (gossip peers); null: every node reaches every other (direct broadcast) */
  links: [NodeId, NodeId][] | null;
  /** messages sent and not yet delivered (the most recent ones) */
  inFlight: MessageView[];
  faults: FaultSpan[];
  checks: CheckView[];
  /** digest of the event log so far ('' when the source keeps none) */
  logHash: string;
}
