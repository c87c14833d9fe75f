// The lesson library: each lesson is a Scenario (seed + scripted faults) and captions that say
// which rule fires, citing the paper (Buchman, Kwon, Milosevic 2018, Algorithm 1) or the spec.
// A caption shows from the first event that matches it (node, type, and optionally height/round).
import type { Scenario } from '../core/scenario.js';
import type { NodeId, ObsEventType } from '../observe/model.js';

export interface Caption {
  /** the first event of this type (on this node, if given) brings the caption up */
  on: { type: ObsEventType; node?: NodeId; height?: number; round?: number; minRound?: number };
  text: string;
  cite: string;
}

export interface Lesson {
  id: string;
  title: string;
  summary: string;
  scenario: Scenario;
  captions: Caption[];
}

const base = { validators: 4, seed: 1, timeouts: { timeoutCommit: 1000 } } as const;

export const LESSONS: Lesson[] = [
  {
    id: 'happy-path',
    title: 'Happy path',
    summary: 'Four correct validators: propose, prevote, precommit, commit, every height in round 0.',
    scenario: { ...base, faults: [] },
    captions: [
      { on: { type: 'NewRound', node: 'n0' }, text: 'Round 0 of height 1 starts after timeout_commit. n0 is the proposer (highest proposer priority).', cite: 'Alg. 1 l.11–14; spec §4.4, §5.2' },
      { on: { type: 'CompleteProposal', node: 'n1' }, text: 'n1 has the proposal and all its block parts: it prevotes the block because it is valid and it is not locked on anything else.', cite: 'Alg. 1 l.22–27; spec §4.8' },
      { on: { type: 'Polka', node: 'n1' }, text: 'More than 2/3 of the voting power prevoted the block (a polka): n1 locks on it and precommits it.', cite: 'Alg. 1 l.36–43; spec §4.10' },
      { on: { type: 'NewBlock', node: 'n1' }, text: 'More than 2/3 precommitted the same block: n1 commits it. The precommits become the next block’s LastCommit.', cite: 'Alg. 1 l.49–54; spec §4.12' },
      { on: { type: 'NewRound', node: 'n0', height: 2 }, text: 'Height 2: the proposer rotates by voting power (n2 for this seed).', cite: 'spec §5.2' },
    ],
  },
  {
    id: 'proposer-crash',
    title: 'Proposer crash and round change',
    summary: 'The proposer of height 2 crashes. Nobody receives a proposal; timeouts move everyone to round 1.',
    scenario: { ...base, faults: [{ kind: 'crash', node: 2, at: { height: 2 } }] },
    captions: [
      { on: { type: 'TimeoutPropose', node: 'n0', height: 2 }, text: 'timeout_propose expired without a proposal: n0 prevotes nil.', cite: 'Alg. 1 l.57–60; spec §4.5' },
      { on: { type: 'Polka', node: 'n0', height: 2 }, text: 'A polka for nil: n0 precommits nil. A nil polka never unlocks anything.', cite: 'Alg. 1 l.44–46; spec §4.19' },
      { on: { type: 'NewRound', node: 'n0', height: 2, round: 1 }, text: '+2/3 nil precommits, then timeout_precommit: round 1 with the next proposer (timeouts grow by their delta each round).', cite: 'Alg. 1 l.47–48, 65–67; spec §6.1' },
      { on: { type: 'NewBlock', node: 'n0', height: 2 }, text: 'Height 2 is committed in round 1 by the three live validators (30 of 40 power > 2/3).', cite: 'spec §1.7' },
    ],
  },
  {
    id: 'lock-on-polka',
    title: 'Locked on a polka, then a round change',
    summary: 'Everyone sees a polka for B and locks, but two precommits are nil, so B is not committed in round 0. The lock carries B into round 1.',
    scenario: { ...base, faults: [{ kind: 'nilPrecommit', node: 2, at: { height: 1 }, duration: 1500 }, { kind: 'nilPrecommit', node: 3, at: { height: 1 }, duration: 1500 }] },
    captions: [
      { on: { type: 'Lock', node: 'n0' }, text: 'n0 saw +2/3 prevotes for B: it locks on B (lockedRound = 0) and precommits B.', cite: 'Alg. 1 l.36–41; spec §4.10' },
      { on: { type: 'TimeoutWait', node: 'n0' }, text: 'Precommits: two for B, two nil (n2 and n3 are forced to precommit nil). +2/3 of any precommits but no majority: n0 waits timeout_precommit.', cite: 'Alg. 1 l.47–48; spec §4.11' },
      { on: { type: 'NewRound', node: 'n0', round: 1 }, text: 'Round 1. n0 stays locked on B: it will prevote only B or a block with a newer polka.', cite: 'Alg. 1 l.22–32; spec §4.19' },
      { on: { type: 'NewBlock', node: 'n0' }, text: 'B is re-proposed (it is everyone’s valid block) and committed in round 1.', cite: 'Alg. 1 l.14–19, l.49; spec §4.5' },
    ],
  },
  {
    id: 'pol-reproposal',
    title: 'Re-proposal with a POL round',
    summary: 'The proposer of round 1 re-proposes the block that had a polka in round 0, naming POLRound 0; locked validators accept it.',
    scenario: { ...base, faults: [{ kind: 'nilPrecommit', node: 2, at: { height: 1 }, duration: 1500 }, { kind: 'nilPrecommit', node: 3, at: { height: 1 }, duration: 1500 }] },
    captions: [
      { on: { type: 'ValidBlock', node: 'n0' }, text: 'n0 records B as its valid block (validRound 0): the latest block with a polka it has seen.', cite: 'Alg. 1 l.36–43 (validValue); spec §4.19' },
      { on: { type: 'ProposalAccepted', node: 'n0', round: 1 }, text: 'Round 1’s proposer proposes its valid block B with POLRound = 0 instead of a new block.', cite: 'Alg. 1 l.14–19; spec §4.5' },
      { on: { type: 'Vote', node: 'n0', round: 1 }, text: 'A proposal with POLRound vr ≥ lockedRound and a polka at vr gets a prevote for its block, even from a locked validator.', cite: 'Alg. 1 l.28–33; spec §4.8 [CMT]' },
      { on: { type: 'NewBlock', node: 'n0' }, text: 'Committed in round 1.', cite: 'spec §4.12' },
    ],
  },
  {
    id: 'nil-polka-keeps-lock',
    title: 'A nil polka does not unlock',
    summary: 'Locked on B in round 0; round 1 has no proposal and ends in a nil polka; the lock survives and B is committed in round 2.',
    scenario: {
      ...base,
      faults: [
        { kind: 'nilPrecommit', node: 2, at: { height: 1 }, duration: 1500 },
        { kind: 'nilPrecommit', node: 3, at: { height: 1 }, duration: 1500 },
        { kind: 'silence', node: 2, at: { height: 1, round: 1 }, duration: 4000 },
      ],
    },
    captions: [
      { on: { type: 'Lock', node: 'n0' }, text: 'n0 locks on B in round 0.', cite: 'Alg. 1 l.36–41' },
      { on: { type: 'Polka', node: 'n0', round: 1 }, text: 'Round 1 had no proposal (its proposer, n2, is cut off): +2/3 prevoted nil. A nil polka makes n0 precommit nil but it stays locked on B (lockedRound 0).', cite: 'Alg. 1 l.44–46; spec §4.19 [CMT]; TestStateLock_POLDoesNotUnlock' },
      { on: { type: 'NewBlock', node: 'n0' }, text: 'B, the block n0 stayed locked on, is committed in a later round.', cite: 'spec §4.19' },
    ],
  },
  {
    id: 'equivocation',
    title: 'Equivocation becomes evidence',
    summary: 'n1 signs two different votes in the same round. Correct validators notice the conflict and keep DuplicateVoteEvidence; safety holds.',
    scenario: { ...base, faults: [{ kind: 'equivocateVotes', node: 1 }] },
    captions: [
      { on: { type: 'Evidence' }, text: 'Two valid votes by n1 for one height/round/type with different BlockIDs: ErrVoteConflictingVotes, kept as DuplicateVoteEvidence for the next block.', cite: 'spec §7.5' },
      { on: { type: 'NewBlock', node: 'n0', height: 3 }, text: 'One equivocating validator out of four (1/4 of the power) cannot break agreement.', cite: 'spec §1.7' },
    ],
  },
  {
    id: 'partition-heal',
    title: 'Partition and heal',
    summary: 'The network splits 2|2 at height 2. Neither side has +2/3; nothing is committed until the partition heals.',
    scenario: { ...base, faults: [{ kind: 'partition', groups: [[0, 1], [2, 3]], at: { height: 2 }, duration: 8000 }] },
    captions: [
      { on: { type: 'NewRound', node: 'n0', height: 2 }, text: 'Height 2 starts inside the partition: each side holds only half of the voting power.', cite: 'spec §1.7' },
      { on: { type: 'NewBlock', node: 'n0', height: 2 }, text: 'The partition healed: gossip delivers what each side missed and height 2 commits.', cite: 'spec §9.6' },
    ],
  },
  {
    id: 'lagging-node',
    title: 'A lagging node catches up',
    summary: 'n3 is cut off for several heights; the other three keep committing (3/4 > 2/3). Once reconnected, n3 gets the blocks and commits from its peers’ stores.',
    scenario: { ...base, faults: [{ kind: 'partition', groups: [[0, 1, 2], [3]], at: { height: 2 }, duration: 7000 }] },
    captions: [
      { on: { type: 'NewBlock', node: 'n0', height: 3 }, text: 'Three of four validators commit without n3.', cite: 'spec §1.7' },
      { on: { type: 'NewBlock', node: 'n3', height: 3 }, text: 'n3 reconnected: the data routine sends it the parts of stored blocks and the vote routine the commits, height by height.', cite: 'spec §9.5, §9.6 (catch-up)' },
    ],
  },
  {
    id: 'byzantine-third',
    title: 'More than a third Byzantine breaks safety',
    summary: 'n0 and n1 (half the power) equivocate proposals and votes, telling each half of the network its own story. The agreement checker catches the fork.',
    scenario: {
      ...base,
      topology: 'direct',
      faults: [
        { kind: 'equivocateProposal', node: 0 },
        { kind: 'equivocateVotes', node: 0 },
        { kind: 'equivocateProposal', node: 1 },
        { kind: 'equivocateVotes', node: 1 },
      ],
    },
    captions: [
      { on: { type: 'NewBlock', node: 'n2' }, text: 'n2 commits the block of the story it was told…', cite: 'spec §1.7' },
      { on: { type: 'NewBlock', node: 'n3' }, text: '…and n3 commits a different one at the same height. With f ≥ n/3 the protocol promises nothing; the agreement check fails.', cite: 'paper §2 (n > 3f); spec §15' },
    ],
  },
];

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
