// PrivValidator: signs votes and proposals under the double-sign rule (src/core/privval) and
// persists the last-signed state before any signature leaves it (spec §12).
import type { Bytes, Proposal, Timestamp, Vote } from '../core/types.js';
import { SignedMsgType } from '../core/types.js';
import { isNilBlockId } from '../core/blockid.js';
import { EMPTY_BYTES } from '../core/bytes.js';
import { SignRefusedError } from '../core/errors.js';
import { addressFromPubKey } from '../core/crypto/address.js';
import { proposalSignBytes, voteExtensionSignBytes, voteSignBytes } from '../core/encoding/sign-bytes.js';
import type { LastSignState } from '../core/privval/sign-state.js';
import { knownSignBytes } from './signature-cache.js';
import { EMPTY_SIGN_STATE, planSign, signStepOf } from '../core/privval/sign-state.js';

/**
 * What consensus needs from a validator's signer. An answer comes at once when the signer and its
 * state store are synchronous (node:crypto over memory: the simulator), else as a promise; a
 * refusal is thrown, or rejects the promise.
 */
export interface PrivValidator {
  readonly address: Bytes;
  readonly pubKey: Bytes;
  /** The signed vote; its timestamp may be an earlier one the signer already signed (adopt it). */
  signVote(chainId: string, vote: Vote): Vote | Promise<Vote>;
  signProposal(chainId: string, proposal: Proposal): Proposal | Promise<Proposal>;
}

export interface KeySigner {
  readonly pubKey: Bytes;
  sign(message: Bytes): Promise<Bytes>;
  /** The same, at once (node:crypto, noble); absent where signing must wait (WebCrypto). */
  signSync?(message: Bytes): Bytes;
}

/**
 * Where the last-signed state lives; `save` must be durable when it resolves — or, for a store
 * that is also the node's WAL (IdbSigningJournal), durable together with the next synced WAL
 * write, which precedes sending the signed message.
 */
export interface PrivValidatorStateStore {
  /** null when nothing was ever signed; throws when the stored record is unreadable (fail closed). */
  load(): Promise<LastSignState | null>;
  save(state: LastSignState): Promise<void>;
  /** The same, durable on return: only a store that keeps nothing on disk can offer it. */
  saveSync?(state: LastSignState): void;
}

export class MemoryPrivValidatorStateStore implements PrivValidatorStateStore {
  private state: LastSignState | null = null;
  async load(): Promise<LastSignState | null> {
    return this.state && { ...this.state };
  }
  async save(state: LastSignState): Promise<void> {
    this.saveSync(state);
  }

  saveSync(state: LastSignState): void {
    this.state = { ...state };
  }
}

export class LocalPrivValidator implements PrivValidator {
  readonly address: Bytes;
  private last: LastSignState = EMPTY_SIGN_STATE;
  /** Serialises requests: each one reads the state the previous one left. */
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * A synchronous signer over a synchronous store: every request is answered at once, so none
   * can wait on another and no queue is needed (the simulator: no promise per signature).
   */
  private readonly sync: boolean;

  constructor(
    private readonly signer: KeySigner,
    private readonly store: PrivValidatorStateStore,
  ) {
    this.address = addressFromPubKey(signer.pubKey);
    this.sync = signer.signSync !== undefined && store.saveSync !== undefined;
  }

  get pubKey(): Bytes {
    return this.signer.pubKey;
  }

  async load(): Promise<void> {
    this.last = (await this.store.load()) ?? EMPTY_SIGN_STATE;
  }

  lastSignState(): LastSignState {
    return { ...this.last };
  }

  signVote(chainId: string, vote: Vote): Vote | Promise<Vote> {
    const signBytes = voteSignBytes(chainId, vote);
    // extensions may be non-deterministic, so their signature is always made afresh
    const extension = vote.extension.length > 0 ? voteExtensionSignBytes(chainId, vote) : null;
    const signed = (s: Signed, extensionSignature: Bytes): Vote => fresh(chainId, { ...vote, timestamp: s.timestamp ?? vote.timestamp, signature: s.signature, extensionSignature }, s, signBytes);
    if (this.sync) {
      refuseStrayExtension(vote);
      return signed(this.signNow(vote.height, vote.round, vote.type, signBytes, 'vote'), extension ? this.signer.signSync!(extension) : EMPTY_BYTES);
    }
    return this.serial(async () => {
      refuseStrayExtension(vote);
      const s = await this.signLater(vote.height, vote.round, vote.type, signBytes, 'vote');
      return signed(s, extension ? await this.signer.sign(extension) : EMPTY_BYTES);
    });
  }

  signProposal(chainId: string, proposal: Proposal): Proposal | Promise<Proposal> {
    const signBytes = proposalSignBytes(chainId, proposal);
    const signed = (s: Signed): Proposal => fresh(chainId, { ...proposal, timestamp: s.timestamp ?? proposal.timestamp, signature: s.signature }, s, signBytes);
    if (this.sync) return signed(this.signNow(proposal.height, proposal.round, proposal.type, signBytes, 'proposal'));
    return this.serial(async () => signed(await this.signLater(proposal.height, proposal.round, proposal.type, signBytes, 'proposal')));
  }

  // The double-sign rule decides (src/core/privval): the same message again gets its earlier
  // signature back, anything else at or below the last height/round/step is refused; a new
  // signature is released only once the state that records it is saved.

  private signNow(h: number, r: number, type: SignedMsgType, signBytes: Bytes, kind: SignKind): Signed {
    const step = signStepOf(type);
    const plan = planSign(this.last, h, r, step, signBytes, kind);
    if (plan.kind === 'reuse') return { signature: plan.signature, timestamp: plan.timestamp };
    const signature = this.signer.signSync!(signBytes);
    const next: LastSignState = { height: h, round: r, step, signature, signBytes };
    this.store.saveSync!(next);
    this.last = next;
    return { signature, timestamp: null };
  }

  private async signLater(h: number, r: number, type: SignedMsgType, signBytes: Bytes, kind: SignKind): Promise<Signed> {
    const step = signStepOf(type);
    const plan = planSign(this.last, h, r, step, signBytes, kind);
    if (plan.kind === 'reuse') return { signature: plan.signature, timestamp: plan.timestamp };
    const signature = await this.signer.sign(signBytes);
    const next: LastSignState = { height: h, round: r, step, signature, signBytes };
    await this.store.save(next);
    this.last = next;
    return { signature, timestamp: null };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

type SignKind = 'vote' | 'proposal';

/** A signature, and the earlier timestamp to adopt when it is an earlier signature given back. */
interface Signed {
  signature: Bytes;
  timestamp: Timestamp | null;
}

/** A message signed afresh carries the sign bytes just signed: the node's next ask for them is free. */
function fresh<T extends Vote | Proposal>(chainId: string, msg: T, s: Signed, signBytes: Bytes): T {
  if (s.timestamp === null) knownSignBytes(chainId, msg, signBytes);
  return msg;
}

function refuseStrayExtension(vote: Vote): void {
  const extensible = vote.type === SignedMsgType.Precommit && !isNilBlockId(vote.blockId);
  if (!extensible && vote.extension.length > 0) {
    throw new SignRefusedError('ErrUnexpectedExtension', 'only non-nil precommits may carry an extension', { height: vote.height, round: vote.round });
  }
}
