// The rule behind each kind of event, for the inspector: what fired and where it is written
// (the paper, Buchman–Kwon–Milosevic 2018, Algorithm 1, and ../shared/spec/consensus.md).
import type { ObsEvent } from '../observe/model.js';

export interface Rule {
  text: string;
  cite: string;
}

const BY_STEP: Record<string, Rule> = {
  RoundStepNewHeight: { text: 'A block was committed: wait timeout_commit to gather more precommits, then start round 0 of the next height.', cite: 'spec §4.2–4.3; §4.18 (the NewHeight wait)' },
  RoundStepNewRound: { text: 'A new round starts; the proposer is the validator with the highest proposer priority.', cite: 'Alg. 1 l.11–21; spec §4.4, §5.2' },
  RoundStepPropose: { text: 'The proposer proposes its valid block (or a new one); the others wait timeout_propose for the proposal and its parts.', cite: 'Alg. 1 l.11–21; spec §4.5' },
  RoundStepPrevote: { text: 'Prevote the proposal if it is complete, valid and not against the lock (lockedRound ≤ POL round, or the locked block); else prevote nil.', cite: 'Alg. 1 l.22–33, 57–60; spec §4.8' },
  RoundStepPrevoteWait: { text: '+2/3 of the voting power prevoted, but for no single value: wait timeout_prevote for a polka.', cite: 'Alg. 1 l.34–35; spec §4.9' },
  RoundStepPrecommit: { text: 'A polka for a block: lock on it and precommit it. A nil polka or timeout_prevote: precommit nil (the lock stays).', cite: 'Alg. 1 l.36–46, 61–64; spec §4.10, §4.19' },
  RoundStepPrecommitWait: { text: '+2/3 precommitted, but for no single block: wait timeout_precommit, then the next round.', cite: 'Alg. 1 l.47–48, 65–67; spec §4.11' },
  RoundStepCommit: { text: '+2/3 precommitted one block: commit it (fetching its parts if needed) and move to the next height.', cite: 'Alg. 1 l.49–54; spec §4.12' },
};

const BY_TYPE: Record<string, Rule> = {
  NewRound: BY_STEP.RoundStepNewRound,
  ProposalAccepted: { text: 'A proposal signed by this round’s proposer, with a POL round below the round, was accepted.', cite: 'spec §4.6' },
  BlockPartAdded: { text: 'A block part with a valid Merkle proof against the proposal’s PartSetHeader was added.', cite: 'spec §4.7, §8.3' },
  CompleteProposal: { text: 'The proposal and all its block parts are here: the block can be validated and prevoted.', cite: 'Alg. 1 l.22; spec §4.7' },
  Polka: { text: 'More than 2/3 of the voting power prevoted one value in this round (a polka).', cite: 'Alg. 1 l.36, 44; spec §4.19' },
  Lock: { text: 'Locked on the polka’s block: from now on prevote only it, unless a later round shows a polka for another.', cite: 'Alg. 1 l.36–43; spec §4.10, §4.19' },
  Relock: { text: 'A polka in a later round for the block already locked: the locked round moves up.', cite: 'spec §4.10, §4.19' },
  ValidBlock: { text: 'A polka for a block we have: it becomes the valid block, which this node proposes when it is proposer.', cite: 'Alg. 1 l.36–43 (validValue); spec §4.19' },
  Vote: { text: 'A vote was added to the HeightVoteSet (signature, index and address checked; duplicates ignored).', cite: 'spec §4.13, §7.1' },
  TimeoutPropose: { text: 'No complete proposal within timeout_propose: prevote nil.', cite: 'Alg. 1 l.57–60; spec §4.14' },
  TimeoutWait: { text: 'timeout_prevote / timeout_precommit expired: precommit nil, or go to the next round.', cite: 'Alg. 1 l.61–67; spec §4.14' },
  NewBlock: { text: 'The block is committed and executed; the precommits become the next block’s LastCommit.', cite: 'Alg. 1 l.49–54; spec §4.12' },
  Evidence: { text: 'Two different signed votes from one validator for the same height, round and type: duplicate-vote evidence.', cite: 'spec §7.1, §7.5' },
  Rejected: { text: 'A message failed validation and was dropped.', cite: 'spec §9.9' },
};

export function ruleOf(e: ObsEvent): Rule | null {
  return (e.type === 'NewRoundStep' ? BY_STEP[e.step] : BY_TYPE[e.type]) ?? null;
}
