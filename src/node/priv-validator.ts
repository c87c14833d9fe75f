// PrivValidator: signs votes and proposals under the double-sign rule (src/core/privval) and
// persists the last-signed state before any signature leaves it (spec §12).
import type { Bytes, Proposal, Vote } from '../core/types.js';
import { SignedMsgType } from '../core/types.js';
import { isNilBlockId } from '../core/blockid.js';
import { SignRefusedError } from '../core/errors.js';
import { addressFromPubKey } from '../core/crypto/address.js';
import { proposalSignBytes, voteExtensionSignBytes, voteSignBytes } from '../core/encoding/sign-bytes.js';
import type { LastSignState } from '../core/privval/sign-state.js';
import { EMPTY_SIGN_STATE, planSign, signStepOf } from '../core/privval/sign-state.js';

/** What consensus needs from a validator's signer. */
export interface PrivValidator {
  readonly address: Bytes;
  readonly pubKey: Bytes;
  /** The signed vote; its timestamp may be an earlier one the signer already signed (adopt it). */
  signVote(chainId: string, vote: Vote): Promise<Vote>;
  signProposal(chainId: string, proposal: Proposal): Promise<Proposal>;
}

export interface KeySigner {
  readonly pubKey: Bytes;
  sign(message: Bytes): Promise<Bytes>;
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
}

export class MemoryPrivValidatorStateStore implements PrivValidatorStateStore {
  private state: LastSignState | null = null;
  async load(): Promise<LastSignState | null> {
    return this.state && { ...this.state };
  }
  async save(state: LastSignState): Promise<void> {
    this.state = { ...state };
  }
}

export class LocalPrivValidator implements PrivValidator {
  readonly address: Bytes;
  private last: LastSignState = EMPTY_SIGN_STATE;
  /** Serialises requests: each one reads the state the previous one left. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly signer: KeySigner,
    private readonly store: PrivValidatorStateStore,
  ) {
    this.address = addressFromPubKey(signer.pubKey);
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

  signVote(chainId: string, vote: Vote): Promise<Vote> {
    return this.serial(async () => {
      const extensible = vote.type === SignedMsgType.Precommit && !isNilBlockId(vote.blockId);
      if (!extensible && vote.extension.length > 0) {
        throw new SignRefusedError('ErrUnexpectedExtension', 'only non-nil precommits may carry an extension', { height: vote.height, round: vote.round });
      }
      const { signature, timestamp } = await this.signMessage(vote.height, vote.round, vote.type, voteSignBytes(chainId, vote), 'vote');
      // extensions may be non-deterministic, so their signature is always made afresh
      const extensionSignature = vote.extension.length > 0 ? await this.signer.sign(voteExtensionSignBytes(chainId, vote)) : new Uint8Array(0);
      return { ...vote, timestamp: timestamp ?? vote.timestamp, signature, extensionSignature };
    });
  }

  signProposal(chainId: string, proposal: Proposal): Promise<Proposal> {
    return this.serial(async () => {
      const { signature, timestamp } = await this.signMessage(proposal.height, proposal.round, proposal.type, proposalSignBytes(chainId, proposal), 'proposal');
      return { ...proposal, timestamp: timestamp ?? proposal.timestamp, signature };
    });
  }

  private async signMessage(h: number, r: number, type: SignedMsgType, signBytes: Bytes, kind: 'vote' | 'proposal') {
    const step = signStepOf(type);
    const plan = planSign(this.last, h, r, step, signBytes, kind);
    if (plan.kind === 'reuse') return { signature: plan.signature, timestamp: plan.timestamp };
    const signature = await this.signer.sign(signBytes);
    const next: LastSignState = { height: h, round: r, step, signature, signBytes };
    await this.store.save(next); // persist before the signature is released
    this.last = next;
    return { signature, timestamp: null };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
