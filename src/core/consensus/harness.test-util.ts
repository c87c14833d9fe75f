// A harness for unit-level scenarios (catalogue level U, CometBFT's randState + signAddVotes):
// one ConsensusState under test ("cs1") and stub validators whose votes and proposals the test
// signs with real Ed25519 keys and feeds in. Time is explicit; timeouts fire when the test says.
import type { Block, BlockID, Proposal, Vote } from '../types.js';
import { RoundStepType, SignedMsgType } from '../types.js';
import type { ConsensusConfig } from './config.js';
import { DEFAULT_CONSENSUS_CONFIG } from './config.js';
import type { ConsensusEvent, Effect, StateMessage, StepOutput, TimeoutInfo } from './io.js';
import { ConsensusState } from './state.js';
import { KVStoreApp } from '../app/kvstore.js';
import { genesisState } from '../state/genesis.js';
import type { GenesisDoc } from '../state/genesis.js';
import type { ChainState } from '../state/chain-state.js';
import { finalizeRequest, makeBlock, makeBlockParts } from '../state/execution.js';
import type { FinalizeBlockResponse } from '../app/application.js';
import type { PartSet } from '../blocks/part-set.js';
import { sha256 } from '../crypto/sha256.js';
import { publicKeyFromSeed, signSync, verifySync } from '../crypto/ed25519.js';
import { addressFromPubKey } from '../crypto/address.js';
import { proposalSignBytes, voteSignBytes } from '../encoding/sign-bytes.js';
import type { SignatureChecker } from '../crypto/checker.js';
import { bytesEqual, utf8 } from '../bytes.js';
import { nilBlockId } from '../blockid.js';
import { timestampFromMillis } from '../time.js';

export const CHAIN_ID = 'harness-chain';
const T0 = 1_700_000_000_000;

export const checker: SignatureChecker = {
  verifyVote: (chainId, vote, pubKey) => verifySync(pubKey, voteSignBytes(chainId, vote), vote.signature),
  verifyProposal: (chainId, p, pubKey) => verifySync(pubKey, proposalSignBytes(chainId, p), p.signature),
};

export interface StubValidator {
  seed: Uint8Array;
  pubKey: Uint8Array;
  address: Uint8Array;
}

export function makeValidators(n: number, tag = 'v'): StubValidator[] {
  return Array.from({ length: n }, (_, i) => {
    const seed = sha256(utf8(`harness/${tag}/${i}`));
    const pubKey = publicKeyFromSeed(seed);
    return { seed, pubKey, address: addressFromPubKey(pubKey) };
  });
}

export function makeGenesis(vals: StubValidator[], powers?: number[]): GenesisDoc {
  return {
    genesisTime: timestampFromMillis(T0),
    chainId: CHAIN_ID,
    initialHeight: 1,
    consensusParams: { blockMaxBytes: 4194304, blockMaxGas: -1 },
    validators: vals.map((v, i) => ({ address: v.address, pubKey: v.pubKey, power: BigInt(powers?.[i] ?? 10), name: `v${i}` })),
    appHash: new Uint8Array(0),
    appState: null,
  };
}

export class Harness {
  readonly vals: StubValidator[];
  readonly genesis: GenesisDoc;
  readonly cs: ConsensusState;
  readonly me: StubValidator | null;
  readonly app = new KVStoreApp();
  now = T0;
  readonly events: ConsensusEvent[] = [];
  readonly effects: Effect[] = [];
  /** Our own signed votes, in order. */
  readonly ownVotes: Vote[] = [];
  readonly ownProposals: Proposal[] = [];
  /** Timeouts scheduled and not yet fired. */
  private timeouts: TimeoutInfo[] = [];
  /** When false, our own signed messages are collected but not fed back (e.g. to withhold them). */
  autoFeedOwn = true;

  constructor(opts: { validators?: number; powers?: number[]; me?: number | null; config?: Partial<ConsensusConfig> } = {}) {
    this.vals = makeValidators(opts.validators ?? 4);
    this.genesis = makeGenesis(this.vals, opts.powers);
    const meIdx = opts.me === undefined ? 0 : opts.me;
    this.me = meIdx === null ? null : this.vals[meIdx];
    this.app.initChain({ validators: this.genesis.validators.map((v) => ({ pubKey: v.pubKey, power: v.power })) });
    this.cs = new ConsensusState(
      {
        config: { ...DEFAULT_CONSENSUS_CONFIG, ...opts.config },
        app: this.app,
        checker,
        reapTxs: () => [],
        privValidator: this.me ? { address: this.me.address, pubKey: this.me.pubKey } : null,
      },
      genesisState(this.genesis),
    );
  }

  get rs() {
    return this.cs.rs;
  }

  get state(): ChainState {
    return this.cs.state;
  }

  start(): this {
    this.absorb(this.cs.start(this.now));
    return this;
  }

  /** Index of a stub validator in the validator set (the vote's validatorIndex). */
  indexOf(v: StubValidator): number {
    return this.rs.validators.getByAddress(v.address)!.index;
  }

  /** The stub validator proposing at the current height and `round` (default: current round). */
  proposer(round = this.rs.round): StubValidator {
    const set = this.rs.validators.copy();
    if (round > this.rs.round) set.incrementProposerPriority(round - this.rs.round);
    const p = set.getProposer()!;
    return this.vals.find((v) => bytesEqual(v.address, p.address))!;
  }

  /** Validators other than cs1. */
  others(): StubValidator[] {
    return this.vals.filter((v) => v !== this.me);
  }

  // ---- feeding inputs -----------------------------------------------------------------------

  deliver(msg: StateMessage, peerId = 'peer'): this {
    this.absorb(this.cs.handle({ type: 'message', msg, peerId, now: this.now }));
    return this;
  }

  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  /** Fires the pending timeout for `step` (the latest one scheduled), as the ticker would. */
  fireTimeout(step: RoundStepType): this {
    const idx = this.timeouts.map((t) => t.step).lastIndexOf(step);
    if (idx < 0) throw new Error(`no ${RoundStepType[step]} timeout scheduled (pending: ${this.timeouts.map((t) => `${t.height}/${t.round}/${RoundStepType[t.step]}`).join(', ')})`);
    const [ti] = this.timeouts.splice(idx, 1);
    this.now += ti.duration;
    this.absorb(this.cs.handle({ type: 'timeout', timeout: ti, now: this.now }));
    return this;
  }

  hasTimeout(step: RoundStepType, round = this.rs.round): boolean {
    return this.timeouts.some((t) => t.step === step && t.round === round && t.height === this.rs.height);
  }

  private absorb(out: StepOutput): void {
    this.events.push(...out.events);
    let finalized: FinalizeBlockResponse | null = null;
    for (const eff of out.effects) {
      this.effects.push(eff);
      switch (eff.type) {
        case 'finalizeBlock':
          finalized = this.app.finalizeBlock(finalizeRequest(eff.blockId, eff.block));
          break;
        case 'commitApp':
          this.app.commit();
          break;
        case 'scheduleTimeout':
          this.timeouts.push(eff.timeout);
          break;
        case 'signVote': {
          const vote = { ...eff.vote, signature: signSync(this.me!.seed, voteSignBytes(CHAIN_ID, eff.vote)) };
          this.ownVotes.push(vote);
          if (this.autoFeedOwn) this.deliver({ kind: 'Vote', vote }, '');
          break;
        }
        case 'signProposal': {
          const proposal = { ...eff.proposal, signature: signSync(this.me!.seed, proposalSignBytes(CHAIN_ID, eff.proposal)) };
          this.ownProposals.push(proposal);
          if (this.autoFeedOwn) {
            this.deliver({ kind: 'Proposal', proposal }, '');
            for (let i = 0; i < eff.parts.total; i++) this.deliver({ kind: 'BlockPart', height: proposal.height, round: proposal.round, part: eff.parts.getPart(i)! }, '');
          }
          break;
        }
        default:
          break;
      }
    }
    // the application answered: the engine moves to the next height before anything else
    if (finalized) this.absorb(this.cs.handle({ type: 'blockFinalized', response: finalized, now: this.now }));
  }

  // ---- making signed messages ----------------------------------------------------------------

  /** A valid block for the current height, proposed by `by`; `tag` makes it distinct. */
  makeBlock(by: StubValidator, tag = ''): { block: Block; blockId: BlockID; parts: PartSet } {
    const lastCommit = this.rs.height === this.state.initialHeight ? null : this.rs.lastCommit!.makeCommit();
    const block = makeBlock(this.state, { txs: tag ? [utf8(`tag=${tag}`)] : [], lastCommit, evidence: [], proposerAddress: by.address });
    const { blockId, parts } = makeBlockParts(block);
    return { block, blockId, parts };
  }

  signProposal(by: StubValidator, round: number, blockId: BlockID, polRound = -1, timestamp = timestampFromMillis(this.now)): Proposal {
    const p: Proposal = { type: SignedMsgType.Proposal, height: this.rs.height, round, polRound, blockId, timestamp, signature: new Uint8Array(0) };
    return { ...p, signature: signSync(by.seed, proposalSignBytes(CHAIN_ID, p)) };
  }

  /** Delivers a proposal and all its parts from `by`. */
  propose(by: StubValidator, round: number, b: { blockId: BlockID; parts: PartSet }, polRound = -1): this {
    const proposal = this.signProposal(by, round, b.blockId, polRound);
    this.deliver({ kind: 'Proposal', proposal });
    for (let i = 0; i < b.parts.total; i++) this.deliver({ kind: 'BlockPart', height: proposal.height, round, part: b.parts.getPart(i)! });
    return this;
  }

  signVote(by: StubValidator, type: SignedMsgType.Prevote | SignedMsgType.Precommit, blockId: BlockID | null, round = this.rs.round, height = this.rs.height): Vote {
    const set = height === this.rs.height ? this.rs.validators : this.rs.lastValidators!;
    const vote: Vote = {
      type,
      height,
      round,
      blockId: blockId ?? nilBlockId(),
      timestamp: timestampFromMillis(this.now),
      validatorAddress: by.address,
      validatorIndex: set.getByAddress(by.address)!.index,
      signature: new Uint8Array(0),
      extension: new Uint8Array(0),
      extensionSignature: new Uint8Array(0),
    };
    return { ...vote, signature: signSync(by.seed, voteSignBytes(CHAIN_ID, vote)) };
  }

  /** Each of `from` votes `type` for `blockId` (null = nil) at `round`. */
  /** Votes of one (height, round) from each of `from`; the height is fixed before the first one lands. */
  votes(type: SignedMsgType.Prevote | SignedMsgType.Precommit, blockId: BlockID | null, from: StubValidator[], round = this.rs.round): this {
    const height = this.rs.height;
    for (const v of from) this.deliver({ kind: 'Vote', vote: this.signVote(v, type, blockId, round, height) });
    return this;
  }

  lastOwnVote(type?: SignedMsgType): Vote | undefined {
    return [...this.ownVotes].reverse().find((v) => type === undefined || v.type === type);
  }

  eventsOf<T extends ConsensusEvent['type']>(type: T): Extract<ConsensusEvent, { type: T }>[] {
    return this.events.filter((e) => e.type === type) as Extract<ConsensusEvent, { type: T }>[];
  }
}

/** Index (into makeValidators(n)) of the validator proposing at height 1, `round`. */
export function proposerAt(n: number, round: number): number {
  const vals = makeValidators(n);
  const set = genesisState(makeGenesis(vals)).validators.copy();
  if (round > 0) set.incrementProposerPriority(round);
  return vals.findIndex((v) => bytesEqual(v.address, set.getProposer()!.address));
}
