// What goes into the consensus core and what comes out of it (DESIGN.md "One idea").
// Inputs mirror the WAL's records (a message with its peer, a timeout), so replaying a WAL is
// feeding the same inputs again. Effects are what the driver must carry out, in order.
import type { Block, BlockID, Commit, DuplicateVoteEvidence, Part, Proposal, Vote } from '../types.js';
import type { RoundStepType } from '../types.js';
import type { PartSet } from '../blocks/part-set.js';
import type { ChainState } from '../state/chain-state.js';
import type { FinalizeBlockResponse } from '../app/application.js';
import type { ConsensusMessage } from '../encoding/messages.js';

/** What a node tells every peer about itself (§9.4 broadcasts); never signed, never a vote. */
export type Announcement = Extract<ConsensusMessage, { kind: 'NewRoundStep' | 'NewValidBlock' | 'HasVote' | 'HasProposalBlockPart' }>;

export interface TimeoutInfo {
  duration: number; // ms
  height: number;
  round: number;
  step: RoundStepType;
}

/** The three consensus messages the state machine itself consumes (spec §3.2). */
export type StateMessage =
  | { kind: 'Proposal'; proposal: Proposal }
  | { kind: 'BlockPart'; height: number; round: number; part: Part }
  | { kind: 'Vote'; vote: Vote };

export type ConsensusInput =
  /** peerId '' = our own message (internal queue). `now` is the receive time in ms. */
  | { type: 'message'; msg: StateMessage; peerId: string; now: number }
  | { type: 'timeout'; timeout: TimeoutInfo; now: number }
  | { type: 'txsAvailable'; now: number }
  /**
   * A peer claims +2/3 for a BlockID (VoteSetMaj23, §9.6): its conflicting votes for that block
   * may then be added. An input like any other, so nothing outside the loop touches the votes.
   */
  | { type: 'peerMaj23'; peerId: string; height: number; round: number; voteType: number; blockId: BlockID; now: number }
  /** The application's answer to the finalizeBlock effect; the driver feeds it back at once. */
  | { type: 'blockFinalized'; response: FinalizeBlockResponse; now: number };

export type Effect =
  | { type: 'scheduleTimeout'; timeout: TimeoutInfo }
  /** Sign through the PrivValidator rules, then feed back as an internal Vote message. */
  | { type: 'signVote'; vote: Vote }
  /** Sign, then feed back the Proposal and every part of `parts` as internal messages. */
  | { type: 'signProposal'; proposal: Proposal; parts: PartSet }
  /** finalizeCommit's crash-safe order (spec §4.12): block store, then EndHeight, then state. */
  | { type: 'saveBlock'; block: Block; parts: PartSet; seenCommit: Commit }
  | { type: 'walEndHeight'; height: number }
  /** ABCI FinalizeBlock on the committed block; answer with a blockFinalized input, before any other. */
  | { type: 'finalizeBlock'; block: Block; blockId: BlockID }
  /** ABCI Commit: the application persists what FinalizeBlock staged (before the state is saved). */
  | { type: 'commitApp' }
  | { type: 'saveState'; state: ChainState; response: FinalizeBlockResponse }
  /**
   * Tell every peer (§9.4). A NewRoundStep is also the WAL's RoundState record (§3.3), written
   * where it stands among the other effects; the messages go out once the step's effects are done.
   */
  | { type: 'publish'; msg: Announcement }
  /** The peer broke a rule only the engine can judge (conflicting maj23 claims): disconnect it. */
  | { type: 'stopPeer'; peerId: string; reason: string };

interface At {
  /** ms, the time of the input that caused the event */
  at: number;
  height: number;
  round: number;
  step: RoundStepType;
}

export type ConsensusEvent = At &
  (
    | { type: 'NewRoundStep' }
    | { type: 'NewRound'; proposer: Uint8Array }
    | { type: 'ProposalAccepted'; proposal: Proposal }
    | { type: 'BlockPartAdded'; partHeight: number; partRound: number; index: number }
    | { type: 'CompleteProposal'; blockId: BlockID }
    | { type: 'Polka'; blockId: BlockID; voteRound: number }
    | { type: 'Lock'; blockId: BlockID }
    | { type: 'Relock'; blockId: BlockID }
    | { type: 'ValidBlock'; blockId: BlockID; isCommit: boolean }
    | { type: 'Vote'; vote: Vote }
    | { type: 'TimeoutPropose' }
    | { type: 'TimeoutWait'; waitStep: RoundStepType }
    | { type: 'NewBlock'; block: Block; blockId: BlockID; commitRound: number }
    | { type: 'Evidence'; evidence: DuplicateVoteEvidence }
    /** An input that could not be applied (bad signature, wrong round…): logged, not fatal. */
    | { type: 'Rejected'; what: string; reason: string; peerId: string }
  );

export interface StepOutput {
  effects: Effect[];
  events: ConsensusEvent[];
}
