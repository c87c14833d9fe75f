// A simulation scenario as plain data: what the classroom shares in a URL, what lessons script,
// and what the simulator (src/sim) runs. Pure description, no behaviour.

/**
 * When a fault starts: when any node reaches (height, round), at a virtual time (ms from start),
 * or after the simulator's n-th step (one timer fired and settled): how a person's action is
 * recorded, so that replaying it lands between exactly the same two steps.
 */
export type Trigger = { height: number; round?: number } | { time: number } | { step: number };

interface Timed {
  at?: Trigger;
  /** Heal after this many virtual ms (omit: until the end of the run). */
  duration?: number;
}

export type FaultSpec = Timed &
  (
    | { kind: 'crash'; node: number; /** restart this many ms after the crash */ restartAfter?: number }
    /** Power cut at the node's n-th WAL write (counted from the start), before it lands or right after it is durable. */
    | { kind: 'crashAtWalWrite'; node: number; write: number; after?: boolean; restartAfter: number }
    | { kind: 'silence'; node: number }
    | { kind: 'partition'; groups: number[][] }
    | { kind: 'delay'; from?: number; to?: number; delayMin: number; delayMax: number; dropRate?: number }
    | { kind: 'dropProposals'; node: number }
    | { kind: 'equivocateProposal'; node: number }
    | { kind: 'equivocateVotes'; node: number }
    | { kind: 'amnesia'; node: number }
    | { kind: 'nilPrecommit'; node: number }
    /** Start a node that is down (crashed without a scheduled restart). */
    | { kind: 'restart'; node: number }
  );

/** Everything that determines a run: the same Scenario always yields the same event log. */
export interface Scenario {
  validators: number;
  /** voting power per validator (default 10 each) */
  powers?: number[];
  seed: number;
  /** timeout_commit etc. in ms (CometBFT defaults where omitted) */
  timeouts?: Partial<Record<'timeoutPropose' | 'timeoutPrevote' | 'timeoutPrecommit' | 'timeoutCommit', number>>;
  /** message delay range in ms */
  delay?: [number, number];
  /** 'direct' or a gossip topology name ('full', 'ring', 'regular:<d>') */
  topology?: string;
  /** transactions submitted per height */
  txsPerHeight?: number;
  /** scripted faults and every action a person took, in order, each with its virtual time */
  faults: FaultSpec[];
}
