// ConsensusState: the Tendermint state machine with CometBFT v1's rules ([CMT] in the spec).
//
// Pure and synchronous: `handle(input)` runs one input to completion and returns the effects the
// driver must carry out (timeouts, signing, storage) and the events it produced. Every `enterX`
// keeps the seed's name and its guard (§4.1); a guard that does not hold makes it a no-op, which
// is what lets callers chain several `enterX` calls (§16.2 "Step guards").
import type { Block, BlockID, Bytes, Commit, DuplicateVoteEvidence, Vote } from '../types.js';
import { RoundStepType, SignedMsgType } from '../types.js';
import type { Application, FinalizeBlockResponse } from '../app/application.js';
import type { SignatureChecker } from '../crypto/checker.js';
import type { ChainState } from '../state/chain-state.js';
import { maxBlockBytes, nextHeight } from '../state/chain-state.js';
import type { ConsensusConfig } from './config.js';
import { skipsTimeoutCommit, timeoutPrecommit, timeoutPrevote, timeoutPropose, waitForTxs } from './config.js';
import type { Announcement, ConsensusEvent, ConsensusInput, Effect, StateMessage, StepOutput, TimeoutInfo } from './io.js';
import type { HashedBlock, RoundState } from './round-state.js';
import { HeightVoteSet } from '../votes/height-vote-set.js';
import type { VoteSet } from '../votes/vote-set.js';
import { commitToVoteSet } from '../votes/vote-set.js';
import { duplicateVoteEvidence } from '../votes/evidence.js';
import { PartSet } from '../blocks/part-set.js';
import { blockIdEqual, hashesTo, isNilBlockId, nilBlockId } from '../blockid.js';
import { bytesEqual, bytesKey, EMPTY_BYTES } from '../bytes.js';
import { ConflictingVoteError, PrevoteError } from '../errors.js';
import { decodeBlock } from '../encoding/codec.js';
import { blockHash, makeBlock, makeBlockParts, nextState, validateBlock } from '../state/execution.js';
import { addMillis, compareTimestamps, timestampFromMillis } from '../time.js';
import { decidePrevote } from './prevote.js';
import { BLOCK_PART_SIZE_BYTES } from '../types.js';

export interface ConsensusDeps {
  config: ConsensusConfig;
  app: Application;
  checker: SignatureChecker;
  /** Reaps mempool transactions for a proposal, at most `maxBytes` in total. */
  reapTxs(maxBytes: number): Bytes[];
  /** Our validator identity; null for a non-validator (it never proposes or votes). */
  privValidator: { address: Bytes; pubKey: Bytes } | null;
}

export interface ConsensusStartOptions {
  /** The seen commit for state.lastBlockHeight, from the block store (reconstructLastCommit, §4.2). */
  seenCommit?: Commit | null;
  /** AppHash in the header of the last stored block, if known (needProofBlock, §4.4). */
  lastHeaderAppHash?: Bytes | null;
}

/**
 * No effects or events yet: a step's lists are made on its first one, with that one in it (most
 * steps have one of each; a list made empty and pushed to reserves room for seventeen).
 */
const NONE = Object.freeze([]) as unknown as never[];
/** The output outside a step: frozen, so that anything emitted between inputs fails loudly. */
const BETWEEN_STEPS: StepOutput = Object.freeze({ effects: NONE, events: NONE });

export class ConsensusState {
  rs!: RoundState;
  state: ChainState;
  /** Conflicting votes seen, waiting to be included in a block we propose (§7.5). */
  readonly pendingEvidence: DuplicateVoteEvidence[] = [];
  private now = 0;
  private out: StepOutput = BETWEEN_STEPS;
  /** The committed block whose FinalizeBlock response we wait for (between two inputs, never longer). */
  private finalizing: { block: HashedBlock; blockId: BlockID; skipTimeoutCommit: boolean } | null = null;
  private lastHeaderAppHash: Bytes | null;
  private readonly seenCommit: Commit | null;

  constructor(
    private readonly deps: ConsensusDeps,
    state: ChainState,
    opts: ConsensusStartOptions = {},
  ) {
    this.state = state;
    this.seenCommit = opts.seenCommit ?? null;
    this.lastHeaderAppHash = opts.lastHeaderAppHash ?? null;
  }

  /** Our validator identity from now on (SetPrivValidator); null makes this node a non-validator. */
  setPrivValidator(identity: ConsensusDeps['privValidator']): void {
    this.deps.privValidator = identity;
  }

  get chainId(): string {
    return this.state.chainId;
  }

  /** OnStart: set up the height from the state (§4.2) and schedule round 0 (§4.3). */
  start(now: number): StepOutput {
    this.begin(now);
    if (this.state.lastBlockHeight > 0) {
      if (!this.seenCommit || !this.state.lastValidators) throw new Error('cannot start above genesis without the seen commit of the last block');
      const lastCommit = commitToVoteSet(this.state.chainId, this.seenCommit, this.state.lastValidators, this.deps.checker);
      if (!lastCommit.hasTwoThirdsMajority()) throw new Error('the seen commit of the last block has no +2/3 majority');
      this.updateToState(this.state, lastCommit);
    } else {
      this.updateToState(this.state, null);
    }
    this.scheduleRound0();
    return this.finish();
  }

  handle(input: ConsensusInput): StepOutput {
    if (this.finalizing && input.type !== 'blockFinalized') throw new Error(`${input.type} while a block awaits its FinalizeBlock response`);
    this.begin(input.now);
    switch (input.type) {
      case 'message':
        this.handleMsg(input.msg, input.peerId);
        break;
      case 'timeout':
        this.handleTimeout(input.timeout);
        break;
      case 'txsAvailable':
        this.handleTxsAvailable();
        break;
      case 'peerMaj23':
        this.setPeerMaj23(input);
        break;
      case 'blockFinalized':
        this.blockFinalized(input.response);
        break;
    }
    return this.finish();
  }

  /** A step starts: what it does is gathered in a fresh output (one per input: a hot path). */
  private begin(now: number): void {
    this.now = now;
    this.out = { effects: NONE, events: NONE };
  }

  private finish(): StepOutput {
    const out = this.out;
    this.out = BETWEEN_STEPS;
    return out;
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private emit(ev: DistributiveOmit<ConsensusEvent, 'at' | 'height' | 'round' | 'step'>): void {
    this.emitEvent({ at: this.now, height: this.rs.height, round: this.rs.round, step: this.rs.step, ...ev } as ConsensusEvent);
  }

  private emitEvent(event: ConsensusEvent): void {
    const out = this.out;
    if (out.events === NONE) out.events = [event];
    else out.events.push(event);
  }

  private effect(effect: Effect): void {
    const out = this.out;
    if (out.effects === NONE) out.effects = [effect];
    else out.effects.push(effect);
  }

  private reject(what: string, reason: string, peerId: string): void {
    this.emit({ type: 'Rejected', what, reason, peerId });
  }

  private scheduleTimeout(duration: number, height: number, round: number, step: RoundStepType): void {
    const timeout: TimeoutInfo = { duration: Math.max(0, duration), height, round, step };
    this.effect({ type: 'scheduleTimeout', timeout });
  }

  /** §3.3: every step change but NewRound is announced (WAL record + NewRoundStep broadcast). */
  private newStep(): void {
    const rs = this.rs;
    this.emit({ type: 'NewRoundStep' });
    this.publish({
      kind: 'NewRoundStep',
      height: rs.height,
      round: rs.round,
      step: rs.step,
      secondsSinceStartTime: Math.max(0, Math.floor((this.now - rs.startTime) / 1000)),
      lastCommitRound: rs.lastCommit ? rs.lastCommit.round : -1,
    });
  }

  private publish(msg: Announcement): void {
    this.effect({ type: 'publish', msg });
  }

  /** NewValidBlock: the block we now want, and which of its parts we hold (§9.4). */
  private publishValidBlock(blockId: BlockID, isCommit: boolean): void {
    const rs = this.rs;
    this.emit({ type: 'ValidBlock', blockId, isCommit });
    const parts = rs.proposalBlockParts;
    if (parts) this.publish({ kind: 'NewValidBlock', height: rs.height, round: rs.round, blockPartSetHeader: parts.header(), blockParts: parts.bitArray(), isCommit });
  }

  private isOurs(address: Bytes): boolean {
    return !!this.deps.privValidator && bytesEqual(this.deps.privValidator.address, address);
  }

  private isProposer(): boolean {
    const p = this.rs.validators.getProposer();
    return !!p && this.isOurs(p.address);
  }

  // ---- §4.2 updateToState, §4.3 scheduleRound0 ---------------------------------------------------

  private updateToState(state: ChainState, reconstructedLastCommit: VoteSet | null): void {
    const rs = this.rs as RoundState | undefined;
    if (rs && rs.commitRound > -1 && rs.height > 0 && rs.height !== state.lastBlockHeight) {
      throw new Error(`updateToState: expected state height ${rs.height}, got ${state.lastBlockHeight}`);
    }
    let lastCommit: VoteSet | null = reconstructedLastCommit;
    if (rs && rs.commitRound > -1) {
      const precommits = rs.votes.precommits(rs.commitRound);
      if (!precommits?.hasTwoThirdsMajority()) throw new Error('updateToState: the commit round has no +2/3 precommits');
      lastCommit = precommits;
    }
    if (state.lastBlockHeight === 0) lastCommit = null;
    else if (!lastCommit) throw new Error('updateToState: last commit cannot be empty after the first height');

    const height = nextHeight(state);
    const commitTime = rs?.commitTime ?? null;
    this.state = state;
    this.rs = {
      height,
      round: 0,
      step: RoundStepType.NewHeight,
      startTime: (commitTime ?? this.now) + this.deps.config.timeoutCommit,
      commitTime,
      validators: state.validators,
      proposal: null,
      proposalReceiveTime: null,
      proposalBlock: null,
      proposalBlockParts: null,
      lockedRound: -1,
      lockedBlock: null,
      lockedBlockParts: null,
      validRound: -1,
      validBlock: null,
      validBlockParts: null,
      votes: new HeightVoteSet(state.chainId, height, state.validators, this.deps.checker),
      commitRound: -1,
      lastCommit,
      lastValidators: state.lastValidators,
      triggeredTimeoutPrecommit: false,
    };
    this.newStep();
  }

  private scheduleRound0(): void {
    this.scheduleTimeout(this.rs.startTime - this.now, this.rs.height, 0, RoundStepType.NewHeight);
  }

  /** §4.4: a block is needed even without txs at the first height or when the app hash moved. */
  private needProofBlock(height: number): boolean {
    if (height === this.state.initialHeight) return true;
    // "cannot tell" counts as "need a proof block" (§15 lesson 13)
    return !this.lastHeaderAppHash || !bytesEqual(this.state.appHash, this.lastHeaderAppHash);
  }

  // ---- §4.4 enterNewRound ------------------------------------------------------------------------

  private enterNewRound(h: number, r: number): void {
    const rs = this.rs;
    if (rs.height !== h || r < rs.round || (r === rs.round && rs.step !== RoundStepType.NewHeight)) return;
    if (rs.round < r) {
      rs.validators = rs.validators.copyIncrementProposerPriority(r - rs.round);
    }
    rs.round = r;
    rs.step = RoundStepType.NewRound;
    if (r !== 0) {
      // round 0 may already hold a proposal received during NewHeight
      rs.proposal = null;
      rs.proposalReceiveTime = null;
      rs.proposalBlock = null;
      rs.proposalBlockParts = null;
    }
    rs.votes.setRound(r + 1); // track r+1 too, so peers can lead us by one round
    rs.triggeredTimeoutPrecommit = false;
    this.emit({ type: 'NewRound', proposer: rs.validators.getProposer()!.address });

    if (waitForTxs(this.deps.config) && r === 0 && !this.needProofBlock(h)) {
      if (this.deps.config.createEmptyBlocksInterval > 0) {
        this.scheduleTimeout(this.deps.config.createEmptyBlocksInterval, h, r, RoundStepType.NewRound);
      }
      return;
    }
    this.enterPropose(h, r);
  }

  // ---- §4.5 enterPropose, decideProposal ---------------------------------------------------------

  private enterPropose(h: number, r: number): void {
    const rs = this.rs;
    if (rs.height !== h || r < rs.round || (r === rs.round && rs.step >= RoundStepType.Propose)) return;
    this.scheduleTimeout(timeoutPropose(this.deps.config, r), h, r, RoundStepType.Propose);
    if (this.deps.privValidator && rs.validators.hasAddress(this.deps.privValidator.address) && this.isProposer()) {
      this.decideProposal(h, r);
    }
    rs.round = r;
    rs.step = RoundStepType.Propose;
    this.newStep();
    if (this.isProposalComplete()) this.enterPrevote(h, rs.round);
  }

  private decideProposal(h: number, r: number): void {
    const rs = this.rs;
    let block: HashedBlock;
    let parts: PartSet;
    if (rs.validBlock && rs.validBlockParts) {
      // [CMT] re-propose the latest polka'd block (§4.19: the liveness fix of #1142)
      block = rs.validBlock;
      parts = rs.validBlockParts;
    } else {
      const created = this.createProposalBlock();
      if (!created) return;
      ({ block, parts } = created);
    }
    this.effect({
      type: 'signProposal',
      proposal: {
        type: SignedMsgType.Proposal,
        height: h,
        round: r,
        polRound: rs.validRound,
        blockId: { hash: block.hash, partSetHeader: parts.header() },
        timestamp: block.block.header.time,
        signature: EMPTY_BYTES,
      },
      parts,
    });
  }

  private createProposalBlock(): { block: HashedBlock; parts: PartSet } | null {
    const rs = this.rs;
    let lastCommit: Commit | null = null;
    if (rs.height !== this.state.initialHeight) {
      if (!rs.lastCommit?.hasTwoThirdsMajority()) {
        this.reject('proposal', 'no commit for the previous block', '');
        return null;
      }
      lastCommit = rs.lastCommit.makeCommit();
    }
    const proposerAddress = this.deps.privValidator!.address;
    const evidence = this.pendingEvidence.filter((ev) => ev.voteA.height === this.state.lastBlockHeight);
    const draft = makeBlock(this.state, { txs: [], lastCommit, evidence, proposerAddress });
    const maxTxBytes = Math.min(this.deps.config.maxBlockTxBytes, maxBlockBytes(this.state.consensusParams) - 1024 * 10);
    let txs: Bytes[];
    try {
      txs = this.deps.app.prepareProposal({
        txs: this.deps.reapTxs(maxTxBytes),
        maxTxBytes,
        height: rs.height,
        time: draft.header.time,
        proposerAddress,
      });
    } catch (e) {
      // CometBFT: no proposal this round when PrepareProposal fails; the others time out.
      this.reject('proposal', `PrepareProposal threw: ${errorText(e)}`, '');
      return null;
    }
    const block = makeBlock(this.state, { txs, lastCommit, evidence, proposerAddress });
    const { blockId, parts } = makeBlockParts(block);
    rememberAssembled(parts, block);
    return { block: { block, hash: blockId.hash }, parts };
  }

  private isProposalComplete(): boolean {
    const rs = this.rs;
    if (!rs.proposal || !rs.proposalBlock) return false;
    if (rs.proposal.polRound < 0) return true;
    return rs.votes.prevotes(rs.proposal.polRound)?.hasTwoThirdsMajority() ?? false;
  }

  // ---- §3.2 handleMsg, §4.6 setProposal, §4.7 block parts -----------------------------------------

  private handleMsg(msg: StateMessage, peerId: string): void {
    switch (msg.kind) {
      case 'Proposal':
        return this.setProposal(msg.proposal, peerId);
      case 'BlockPart':
        return this.addProposalBlockPart(msg.height, msg.round, msg.part, peerId);
      case 'Vote':
        return this.tryAddVote(msg.vote, peerId);
    }
  }

  private setProposal(p: import('../types.js').Proposal, peerId: string): void {
    const rs = this.rs;
    if (rs.proposal) return; // first proposal wins; an equivocating second one is ignored
    if (p.height !== rs.height || p.round !== rs.round) return;
    if (!(p.polRound === -1 || (p.polRound >= 0 && p.polRound < p.round))) {
      return this.reject('proposal', 'ErrInvalidProposalPOLRound', peerId);
    }
    const proposer = rs.validators.getProposer()!;
    if (!this.deps.checker.verifyProposal(this.chainId, p, proposer.pubKey)) {
      return this.reject('proposal', 'ErrInvalidProposalSignature', peerId);
    }
    const maxParts = Math.floor((maxBlockBytes(this.state.consensusParams) - 1) / BLOCK_PART_SIZE_BYTES) + 1;
    if (p.blockId.partSetHeader.total > maxParts) return this.reject('proposal', 'ErrProposalTooManyParts', peerId);
    rs.proposal = p;
    rs.proposalReceiveTime = this.now;
    // [CMT] keep parts already targeted at a polka or commit block
    if (!rs.proposalBlockParts) rs.proposalBlockParts = PartSet.fromHeader(p.blockId.partSetHeader);
    this.emit({ type: 'ProposalAccepted', proposal: p });
  }

  private addProposalBlockPart(height: number, round: number, part: import('../types.js').Part, peerId: string): void {
    const rs = this.rs;
    if (height !== rs.height || !rs.proposalBlockParts) return; // round mismatch is fine: blocks are re-used
    const parts = rs.proposalBlockParts;
    let added: boolean;
    try {
      added = parts.addPart(part);
    } catch (e) {
      if (round === rs.round && e instanceof PrevoteError) this.reject('block part', `${e.code}: ${e.message}`, peerId);
      return;
    }
    if (!added) return;
    this.emit({ type: 'BlockPartAdded', partHeight: height, partRound: round, index: part.index });
    this.publish({ kind: 'HasProposalBlockPart', height, round, index: part.index });
    if (parts.byteSize > maxBlockBytes(this.state.consensusParams)) {
      return this.reject('block part', 'total size of proposal block parts exceeds the maximum block size', peerId);
    }
    if (!parts.isComplete()) return;
    let block;
    try {
      block = assembledBlock(parts);
    } catch (e) {
      return this.reject('block', `complete block does not decode: ${(e as Error).message}`, peerId);
    }
    rs.proposalBlock = { block, hash: blockHash(block) };
    this.emit({ type: 'CompleteProposal', blockId: { hash: rs.proposalBlock.hash, partSetHeader: parts.header() } });
    this.handleCompleteProposal(height);
  }

  private handleCompleteProposal(h: number): void {
    const rs = this.rs;
    const maj = rs.votes.prevotes(rs.round)?.twoThirdsMajority() ?? null;
    if (maj && !isNilBlockId(maj) && rs.validRound < rs.round && hashesTo(rs.proposalBlock?.hash, maj.hash)) {
      rs.validRound = rs.round;
      rs.validBlock = rs.proposalBlock;
      rs.validBlockParts = rs.proposalBlockParts;
    }
    if (rs.step <= RoundStepType.Propose && this.isProposalComplete()) {
      this.enterPrevote(h, rs.round);
      if (maj) this.enterPrecommit(h, rs.round);
    } else if (rs.step === RoundStepType.Commit) {
      this.tryFinalizeCommit(h);
    }
  }

  // ---- §4.8 enterPrevote, §4.9 enterPrevoteWait ----------------------------------------------------

  private enterPrevote(h: number, r: number): void {
    const rs = this.rs;
    if (rs.height !== h || r < rs.round || (r === rs.round && rs.step >= RoundStepType.Prevote)) return;
    const choice = decidePrevote(rs, r, {
      validate: (b) => validateBlock(this.state, b.block, this.deps.checker),
      processProposal: (b) => {
        // The txs came from a peer: an application that throws on them rejects the proposal, as
        // CometBFT treats a ProcessProposal error; it never stops the node.
        let accept: boolean;
        try {
          accept = this.deps.app.processProposal({
            txs: b.block.data.txs,
            hash: b.hash,
            height: b.block.header.height,
            time: b.block.header.time,
            proposerAddress: b.block.header.proposerAddress,
          });
        } catch (e) {
          this.reject('proposal', `ProcessProposal threw: ${errorText(e)}`, '');
          return false;
        }
        if (!accept) this.reject('proposal', 'ProcessProposal rejected the block', '');
        return accept;
      },
    });
    if (choice) this.signAddVote(SignedMsgType.Prevote, choice);
    else this.signAddVote(SignedMsgType.Prevote, nilBlockId());
    rs.round = r;
    rs.step = RoundStepType.Prevote;
    this.newStep();
  }

  private enterPrevoteWait(h: number, r: number): void {
    const rs = this.rs;
    if (rs.height !== h || r < rs.round || (r === rs.round && rs.step >= RoundStepType.PrevoteWait)) return;
    if (!rs.votes.prevotes(r)?.hasTwoThirdsAny()) throw new Error(`enterPrevoteWait(${h}/${r}) without +2/3 prevotes`);
    this.scheduleTimeout(timeoutPrevote(this.deps.config, r), h, r, RoundStepType.PrevoteWait);
    rs.round = r;
    rs.step = RoundStepType.PrevoteWait;
    this.newStep();
  }

  // ---- §4.10 enterPrecommit (locking), §4.11 enterPrecommitWait -------------------------------------

  private enterPrecommit(h: number, r: number): void {
    const rs = this.rs;
    if (rs.height !== h || r < rs.round || (r === rs.round && rs.step >= RoundStepType.Precommit)) return;
    this.precommitDecision(h, r);
    rs.round = r;
    rs.step = RoundStepType.Precommit;
    this.newStep();
  }

  private precommitDecision(h: number, r: number): void {
    const rs = this.rs;
    const maj = rs.votes.prevotes(r)?.twoThirdsMajority() ?? null;
    if (!maj) return this.signAddVote(SignedMsgType.Precommit, nilBlockId());
    this.emit({ type: 'Polka', blockId: maj, voteRound: r });
    if (rs.votes.polInfo().round < r) throw new Error(`polka at ${r} but POLInfo is older`);
    // §4.19 [CMT]: a nil polka does not unlock
    if (isNilBlockId(maj)) return this.signAddVote(SignedMsgType.Precommit, nilBlockId());
    // Full BlockID comparisons when blocks move between slots (§15 lesson 8, tendermint #3087).
    if (rs.lockedBlock && hashesTo(rs.lockedBlock.hash, maj.hash) && rs.lockedBlockParts?.hasHeader(maj.partSetHeader)) {
      rs.lockedRound = r;
      this.emit({ type: 'Relock', blockId: maj });
      return this.signAddVote(SignedMsgType.Precommit, maj);
    }
    if (rs.proposalBlock && hashesTo(rs.proposalBlock.hash, maj.hash) && rs.proposalBlockParts?.hasHeader(maj.partSetHeader)) {
      const invalid = validateBlock(this.state, rs.proposalBlock.block, this.deps.checker);
      if (invalid) throw new Error(`+2/3 prevoted for an invalid block: ${invalid}`);
      rs.lockedRound = r;
      rs.lockedBlock = rs.proposalBlock;
      rs.lockedBlockParts = rs.proposalBlockParts;
      this.emit({ type: 'Lock', blockId: maj });
      return this.signAddVote(SignedMsgType.Precommit, maj);
    }
    // A polka for a block we do not have: keep the lock, fetch the block, precommit nil.
    if (!rs.proposalBlockParts?.hasHeader(maj.partSetHeader)) {
      rs.proposalBlock = null;
      rs.proposalBlockParts = PartSet.fromHeader(maj.partSetHeader);
    }
    this.signAddVote(SignedMsgType.Precommit, nilBlockId());
  }

  private enterPrecommitWait(h: number, r: number): void {
    const rs = this.rs;
    if (rs.height !== h || r < rs.round || (r === rs.round && rs.triggeredTimeoutPrecommit)) return;
    if (!rs.votes.precommits(r)?.hasTwoThirdsAny()) throw new Error(`enterPrecommitWait(${h}/${r}) without +2/3 precommits`);
    this.scheduleTimeout(timeoutPrecommit(this.deps.config, r), h, r, RoundStepType.PrecommitWait);
    // [CMT] a flag instead of the PrecommitWait step (§4.11, #2540/#3310)
    rs.triggeredTimeoutPrecommit = true;
    this.newStep();
  }

  // ---- §4.12 enterCommit, tryFinalizeCommit, finalizeCommit --------------------------------------

  private enterCommit(h: number, commitRound: number): void {
    const rs = this.rs;
    if (rs.height !== h || rs.step >= RoundStepType.Commit) return;
    const maj = rs.votes.precommits(commitRound)?.twoThirdsMajority() ?? null;
    if (!maj || isNilBlockId(maj)) throw new Error(`enterCommit(${h}/${commitRound}) without +2/3 precommits for a block`);
    if (rs.lockedBlock && hashesTo(rs.lockedBlock.hash, maj.hash) && rs.lockedBlockParts?.hasHeader(maj.partSetHeader)) {
      rs.proposalBlock = rs.lockedBlock;
      rs.proposalBlockParts = rs.lockedBlockParts;
    }
    const have = rs.proposalBlock && hashesTo(rs.proposalBlock.hash, maj.hash) && rs.proposalBlockParts?.hasHeader(maj.partSetHeader);
    if (!have && !rs.proposalBlockParts?.hasHeader(maj.partSetHeader)) {
      // §15 lesson 7: re-target the part set to the committed block and announce it
      rs.proposalBlock = null;
      rs.proposalBlockParts = PartSet.fromHeader(maj.partSetHeader);
      this.publishValidBlock(maj, true);
    }
    rs.step = RoundStepType.Commit;
    rs.commitRound = commitRound;
    rs.commitTime = this.now;
    this.newStep();
    this.tryFinalizeCommit(h);
  }

  private tryFinalizeCommit(h: number): void {
    const rs = this.rs;
    if (rs.height !== h) throw new Error(`tryFinalizeCommit(${h}) at height ${rs.height}`);
    const maj = rs.votes.precommits(rs.commitRound)?.twoThirdsMajority() ?? null;
    if (!maj || isNilBlockId(maj)) return;
    if (!rs.proposalBlock || !hashesTo(rs.proposalBlock.hash, maj.hash)) return; // wait for the parts
    this.finalizeCommit(h);
  }

  private finalizeCommit(h: number): void {
    const rs = this.rs;
    if (rs.height !== h || rs.step !== RoundStepType.Commit) return;
    const precommits = rs.votes.precommits(rs.commitRound)!;
    const blockId = precommits.twoThirdsMajority()!;
    const block = rs.proposalBlock!;
    const parts = rs.proposalBlockParts!;
    if (!parts.hasHeader(blockId.partSetHeader)) throw new Error('expected ProposalBlockParts header to be the commit header');
    if (!hashesTo(block.hash, blockId.hash)) throw new Error('cannot finalize: ProposalBlock does not hash to the commit hash');
    const invalid = validateBlock(this.state, block.block, this.deps.checker);
    if (invalid) throw new Error(`+2/3 committed an invalid block: ${invalid}`);

    // CometBFT's crash-safe order (§4.12): block store, EndHeight, FinalizeBlock, Commit, state
    this.effect({ type: 'saveBlock', block: block.block, parts, seenCommit: precommits.makeCommit() });
    this.effect({ type: 'walEndHeight', height: h });
    this.effect({ type: 'finalizeBlock', block: block.block, blockId });
    this.finalizing = { block, blockId, skipTimeoutCommit: false };
  }

  /** The app's FinalizeBlock response for the block being committed: on to the next height. */
  private blockFinalized(response: FinalizeBlockResponse): void {
    const rs = this.rs;
    const f = this.finalizing;
    if (!f) throw new Error('blockFinalized without a block being finalized');
    this.finalizing = null;
    const h = rs.height;
    const state = nextState(this.state, f.blockId, f.block.block, response);
    this.effect({ type: 'commitApp' });
    this.effect({ type: 'saveState', state, response });
    this.emit({ type: 'NewBlock', block: f.block.block, blockId: f.blockId, commitRound: rs.commitRound });
    const block = f.block;

    const included = new Set(block.block.evidence);
    for (let i = this.pendingEvidence.length - 1; i >= 0; i--) {
      const ev = this.pendingEvidence[i];
      if (included.has(ev) || ev.voteA.height < h) this.pendingEvidence.splice(i, 1);
    }
    this.lastHeaderAppHash = block.block.header.appHash;
    this.updateToState(state, null);
    this.scheduleRound0();
    if (f.skipTimeoutCommit) this.enterNewRound(this.rs.height, 0);
  }

  // ---- §4.13 addVote -------------------------------------------------------------------------------

  /**
   * Whether the step would do nothing with this vote (tryAddVote's own cases): a vote of another
   * height than ours, a late precommit once we left NewHeight, or this very vote (same block,
   * time and signature) already counted. The node drops such votes before its WAL and the step:
   * with gossip most deliveries are votes a node already has, and CometBFT's WAL records only the
   * messages that reached the engine.
   */
  ignoresVote(vote: Vote): boolean {
    const rs = this.rs;
    let set: VoteSet | null;
    if (vote.height + 1 === rs.height && vote.type === SignedMsgType.Precommit) {
      if (rs.step !== RoundStepType.NewHeight) return true;
      set = rs.lastCommit;
    } else if (vote.height === rs.height) {
      set = vote.type === SignedMsgType.Prevote ? rs.votes.prevotes(vote.round) : rs.votes.precommits(vote.round);
    } else {
      return true;
    }
    const have = set?.getByIndex(vote.validatorIndex);
    return !!have && sameSignedVote(have, vote);
  }

  private tryAddVote(vote: Vote, peerId: string): void {
    const rs = this.rs;
    // §4.13.1 late precommits for the previous height, only while waiting in NewHeight
    if (vote.height + 1 === rs.height && vote.type === SignedMsgType.Precommit) {
      if (rs.step !== RoundStepType.NewHeight || !rs.lastCommit) return;
      const res = rs.lastCommit.addVote(vote);
      if (res.error) return this.reject('vote', `${res.error.code}: ${res.error.message}`, peerId);
      if (!res.added) return;
      this.voteAdded(vote);
      if (skipsTimeoutCommit(this.deps.config) && rs.lastCommit.hasAll()) this.enterNewRound(rs.height, 0);
      return;
    }
    if (vote.height !== rs.height) return;

    const res = rs.votes.addVote(vote, peerId);
    if (res.error instanceof ConflictingVoteError) this.onConflict(res.error, peerId);
    else if (res.error) this.reject('vote', `${res.error.code}: ${res.error.message}`, peerId);
    if (!res.added) return;
    this.voteAdded(vote);
    if (vote.type === SignedMsgType.Prevote) this.onPrevote(vote);
    else this.onPrecommit(vote);
  }

  private voteAdded(vote: Vote): void {
    // a literal, not emit's spread: one per vote added, the engine's commonest event
    const rs = this.rs;
    this.emitEvent({ at: this.now, height: rs.height, round: rs.round, step: rs.step, type: 'Vote', vote });
    this.publish({ kind: 'HasVote', height: vote.height, round: vote.round, type: vote.type, index: vote.validatorIndex });
  }

  private onConflict(err: ConflictingVoteError, peerId: string): void {
    if (this.isOurs(err.voteB.validatorAddress)) {
      return this.reject('vote', 'conflicting vote from ourselves', peerId);
    }
    const set = this.rs.validators;
    const ev = duplicateVoteEvidence(err.voteA, err.voteB, set, this.state.lastBlockTime);
    this.pendingEvidence.push(ev);
    this.emit({ type: 'Evidence', evidence: ev });
  }

  private onPrevote(vote: Vote): void {
    const rs = this.rs;
    const h = rs.height;
    const prevotes = rs.votes.prevotes(vote.round)!;
    const maj = prevotes.twoThirdsMajority();
    // ValidBlock (paper lines 36-43): the latest polka for a block in the current round.
    if (maj && !isNilBlockId(maj) && rs.validRound < vote.round && vote.round === rs.round) {
      if (rs.proposalBlock && hashesTo(rs.proposalBlock.hash, maj.hash)) {
        rs.validRound = vote.round;
        rs.validBlock = rs.proposalBlock;
        rs.validBlockParts = rs.proposalBlockParts;
      } else {
        rs.proposalBlock = null; // we hold the wrong block (§15 lesson 2)
      }
      if (!rs.proposalBlockParts?.hasHeader(maj.partSetHeader)) rs.proposalBlockParts = PartSet.fromHeader(maj.partSetHeader);
      this.publishValidBlock(maj, false);
    }
    if (rs.round < vote.round && prevotes.hasTwoThirdsAny()) {
      this.enterNewRound(h, vote.round); // round skip only; no vote is cast here (§4.13.4)
    } else if (rs.round === vote.round && rs.step >= RoundStepType.Prevote) {
      if (maj && (this.isProposalComplete() || isNilBlockId(maj))) this.enterPrecommit(h, vote.round);
      else if (prevotes.hasTwoThirdsAny()) this.enterPrevoteWait(h, vote.round);
    } else if (rs.proposal && rs.proposal.polRound >= 0 && rs.proposal.polRound === vote.round) {
      if (this.isProposalComplete()) this.enterPrevote(h, rs.round);
    }
  }

  private onPrecommit(vote: Vote): void {
    const rs = this.rs;
    const h = rs.height;
    const precommits = rs.votes.precommits(vote.round)!;
    const maj = precommits.twoThirdsMajority();
    if (maj) {
      this.enterNewRound(h, vote.round); // the majority may be from a higher round (§4.13.3)
      this.enterPrecommit(h, vote.round);
      if (!isNilBlockId(maj)) {
        this.enterCommit(h, vote.round);
        // every precommit is in: the next height starts as soon as the block is finalized
        if (this.finalizing && skipsTimeoutCommit(this.deps.config) && precommits.hasAll()) this.finalizing.skipTimeoutCommit = true;
      } else {
        this.enterPrecommitWait(h, vote.round);
      }
    } else if (rs.round <= vote.round && precommits.hasTwoThirdsAny()) {
      this.enterNewRound(h, vote.round);
      this.enterPrecommitWait(h, vote.round);
    }
  }

  private setPeerMaj23(claim: Extract<ConsensusInput, { type: 'peerMaj23' }>): void {
    if (claim.height !== this.rs.height) return;
    const err = this.rs.votes.setPeerMaj23(claim.round, claim.voteType, claim.peerId, claim.blockId);
    if (err) this.effect({ type: 'stopPeer', peerId: claim.peerId, reason: `conflicting maj23 claims: ${err.message}` });
  }

  // ---- §4.14 handleTimeout, §4.15 txs available ----------------------------------------------------

  private handleTimeout(ti: TimeoutInfo): void {
    const rs = this.rs;
    if (ti.height !== rs.height || ti.round < rs.round || (ti.round === rs.round && ti.step < rs.step)) return; // stale
    switch (ti.step) {
      case RoundStepType.NewHeight:
        return this.enterNewRound(ti.height, 0);
      case RoundStepType.NewRound:
        return this.enterPropose(ti.height, ti.round);
      case RoundStepType.Propose:
        this.emit({ type: 'TimeoutPropose' });
        return this.enterPrevote(ti.height, ti.round);
      case RoundStepType.PrevoteWait:
        this.emit({ type: 'TimeoutWait', waitStep: ti.step });
        return this.enterPrecommit(ti.height, ti.round);
      case RoundStepType.PrecommitWait:
        this.emit({ type: 'TimeoutWait', waitStep: ti.step });
        this.enterPrecommit(ti.height, ti.round); // [CMT] precommit (nil) before moving on
        return this.enterNewRound(ti.height, ti.round + 1);
      default:
        throw new Error(`invalid timeout step ${ti.step}`);
    }
  }

  private handleTxsAvailable(): void {
    const rs = this.rs;
    if (rs.round !== 0) return;
    if (rs.step === RoundStepType.NewHeight) {
      if (this.needProofBlock(rs.height)) return; // enterNewRound will propose anyway
      // never shortcut the NewHeight wait (#3908): propose right after it
      this.scheduleTimeout(rs.startTime - this.now + 1, rs.height, 0, RoundStepType.NewRound);
    } else if (rs.step === RoundStepType.NewRound) {
      this.enterPropose(rs.height, 0);
    }
  }

  // ---- §4.16 signing our own votes -------------------------------------------------------------------

  private signAddVote(type: SignedMsgType.Prevote | SignedMsgType.Precommit, blockId: import('../types.js').BlockID): void {
    const pv = this.deps.privValidator;
    const rs = this.rs;
    if (!pv) return;
    const found = rs.validators.getByAddress(pv.address);
    if (!found) return;
    this.effect({
      type: 'signVote',
      vote: {
        type,
        height: rs.height,
        round: rs.round,
        blockId: { hash: blockId.hash, partSetHeader: { ...blockId.partSetHeader } },
        timestamp: this.voteTime(),
        validatorAddress: pv.address,
        validatorIndex: found.index,
        signature: EMPTY_BYTES,
        extension: EMPTY_BYTES,
        extensionSignature: EMPTY_BYTES,
      },
    });
  }

  /** [CMT] BFT time: at least 1 ms after the time of the block we lock on or vote for. */
  private voteTime() {
    const now = timestampFromMillis(this.now);
    const ref = this.rs.lockedBlock ?? this.rs.proposalBlock;
    if (!ref) return now;
    const min = addMillis(ref.block.header.time, 1);
    return compareTimestamps(now, min) >= 0 ? now : min;
  }
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

/** The same signed vote: equal signatures over equal contents (never a conflicting one). */
function sameSignedVote(a: Vote, b: Vote): boolean {
  return (
    a.type === b.type &&
    a.height === b.height &&
    a.round === b.round &&
    a.validatorIndex === b.validatorIndex &&
    a.timestamp.seconds === b.timestamp.seconds &&
    a.timestamp.nanos === b.timestamp.nanos &&
    bytesEqual(a.signature, b.signature) &&
    bytesEqual(a.validatorAddress, b.validatorAddress) &&
    blockIdEqual(a.blockId, b.blockId) &&
    bytesEqual(a.extension, b.extension) &&
    bytesEqual(a.extensionSignature, b.extensionSignature)
  );
}

// Blocks are values, and a part set's hash fixes its bytes (each part was checked against it on
// the way in), so the nodes that assembled one part set can share its decoded block and with it
// the memoized header and commit hashes: in the simulator every node would otherwise decode and
// hash it again. The proposer's own block is what its parts decode to (the codec round-trips),
// so it is the one shared: nobody decodes or hashes a block its proposer already has.
const assembled = new Map<string, Block>();
const ASSEMBLED_KEPT = 16;

function assembledKey(parts: PartSet): string {
  const { hash, total } = parts.header();
  return `${total}:${bytesKey(hash)}`;
}

function rememberAssembled(parts: PartSet, block: Block): void {
  if (assembled.size >= ASSEMBLED_KEPT) assembled.delete(assembled.keys().next().value!);
  assembled.set(assembledKey(parts), block);
}

function assembledBlock(parts: PartSet): Block {
  const block = assembled.get(assembledKey(parts));
  if (block) return block;
  const decoded = decodeBlock(parts.toBytes());
  rememberAssembled(parts, decoded);
  return decoded;
}
