// The bridge between async signature verification and the synchronous core (see
// core/crypto/checker.ts). The driver verifies every vote and proposal at ingress, batched, with
// the fast verifier, and records its own signatures as valid; the core's checks then only look
// verdicts up. What the step still meets unverified (a block's LastCommit signature for a precommit
// we never received) is verified on the spot with the synchronous ZIP-215 path (node:crypto or
// noble), so the verdict never depends on which path ran. One cache may be shared by the simulated nodes of one run: each
// signature is then checked once, and an invalid one is remembered as invalid for everyone.
import type { Bytes, Proposal, Vote } from '../core/types.js';
import type { SignatureChecker } from '../core/crypto/checker.js';
import type { Ed25519Verifier } from '../core/crypto/ed25519.js';
import { verifySync } from '../core/crypto/ed25519.js';
import { proposalSignBytes, voteSignBytes } from '../core/encoding/sign-bytes.js';
import { bytesEqual, bytesKey } from '../core/bytes.js';

export interface PendingSignature {
  pubKey: Bytes;
  signBytes: Bytes;
  signature: Bytes;
  /** The message signed, so that its verdict is also kept per object (see `byMessage`). */
  of?: { msg: Vote | Proposal; chainId: string };
}

// Sign bytes per message object: the node computes them to pre-verify and the core asks again
// when it adds the vote. Messages are never mutated once decoded or signed, so this is safe.
const signBytesMemo = new WeakMap<Vote | Proposal, { chainId: string; bytes: Bytes }>();

function memo<T extends Vote | Proposal>(chainId: string, msg: T, make: (chainId: string, msg: T) => Bytes): Bytes {
  const m = signBytesMemo.get(msg);
  if (m && m.chainId === chainId) return m.bytes;
  const bytes = make(chainId, msg);
  signBytesMemo.set(msg, { chainId, bytes });
  return bytes;
}

/** A new message's sign bytes, from the signer that just made them: the first ask finds them. */
export function knownSignBytes(chainId: string, msg: Vote | Proposal, bytes: Bytes): void {
  signBytesMemo.set(msg, { chainId, bytes });
}

export const voteSignBytesOf = (chainId: string, vote: Vote) => memo(chainId, vote, voteSignBytes);
export const proposalSignBytesOf = (chainId: string, p: Proposal) => memo(chainId, p, proposalSignBytes);

export class SignatureCache implements SignatureChecker {
  private readonly verdicts = new Map<string, { pubKey: Bytes; signBytes: Bytes; ok: boolean }>();
  /**
   * The engine's answers per message object: a vote is asked about when the node pre-verifies it,
   * when it reaches the VoteSet and again in a LastCommit, and simulated nodes share one decoded
   * object per broadcast, so most questions are answered here without making a key.
   */
  private readonly byMessage = new WeakMap<Vote | Proposal, { chainId: string; pubKey: Bytes; ok: boolean }>();
  /** How many signatures were actually verified (not answered from the cache). */
  verified = 0;
  /**
   * How many of those the engine's step had to verify itself, synchronously: a block's LastCommit
   * signature for a precommit this node never received, or our seen commit at start. Votes and
   * proposals are verified at ingress and never count here.
   */
  verifiedInStep = 0;

  constructor(
    private readonly verifier: Ed25519Verifier | null,
    private readonly limit = 200_000,
  ) {}

  /** Verifies what is not known yet; finishes at once (no promise) when nothing is left to verify. */
  preverify(items: PendingSignature[]): void | Promise<void> {
    const todo = items.filter((it) => {
      const known = this.lookup(it);
      if (known) this.rememberOf(it, known.ok);
      return !known;
    });
    if (todo.length === 0) return;
    const done = (results: boolean[]) => {
      this.verified += todo.length;
      todo.forEach((it, i) => this.remember(it, results[i]));
    };
    if (!this.verifier) return done(todo.map((it) => verifySync(it.pubKey, it.signBytes, it.signature)));
    return this.verifier.verifyBatch(todo.map((it) => ({ pubKey: it.pubKey, message: it.signBytes, signature: it.signature }))).then(done);
  }

  verifyVote(chainId: string, vote: Vote, pubKey: Bytes): boolean {
    return this.known(vote, chainId, pubKey) ?? this.check(vote, chainId, pubKey, { pubKey, signBytes: voteSignBytesOf(chainId, vote), signature: vote.signature });
  }

  verifyProposal(chainId: string, proposal: Proposal, pubKey: Bytes): boolean {
    return this.known(proposal, chainId, pubKey) ?? this.check(proposal, chainId, pubKey, { pubKey, signBytes: proposalSignBytesOf(chainId, proposal), signature: proposal.signature });
  }

  /** Whether this message object's signature under `pubKey` was already answered. */
  knows(msg: Vote | Proposal, chainId: string, pubKey: Bytes): boolean {
    return this.known(msg, chainId, pubKey) !== null;
  }

  /** A message object's verdict under one chain and key, when already answered (see `byMessage`). */
  private known(msg: Vote | Proposal, chainId: string, pubKey: Bytes): boolean | null {
    const v = this.byMessage.get(msg);
    return v && v.chainId === chainId && (v.pubKey === pubKey || bytesEqual(v.pubKey, pubKey)) ? v.ok : null;
  }

  /** Our own signature, made by our PrivValidator: valid by construction, never verified. */
  recordOwn(it: PendingSignature): void {
    this.remember(it, true);
  }

  private check(msg: Vote | Proposal, chainId: string, pubKey: Bytes, it: PendingSignature): boolean {
    const withMsg = { ...it, of: { msg, chainId } };
    const known = this.lookup(it);
    // a verdict by signature (a commit's signatures, rebuilt as votes, are new objects): kept per object too
    if (known) {
      this.rememberOf(withMsg, known.ok);
      return known.ok;
    }
    const ok = verifySync(it.pubKey, it.signBytes, it.signature);
    this.verified++;
    this.verifiedInStep++;
    this.remember(withMsg, ok);
    return ok;
  }

  /** Keyed by the signature's bytes as a 64-char string (cheap to make; no hex). */
  private key(it: PendingSignature): string {
    return bytesKey(it.signature);
  }

  private lookup(it: PendingSignature): { ok: boolean } | null {
    const v = this.verdicts.get(this.key(it));
    // the same signature by another key or over other bytes is a different question
    return v && bytesEqual(v.signBytes, it.signBytes) && bytesEqual(v.pubKey, it.pubKey) ? v : null;
  }

  private remember(it: PendingSignature, ok: boolean): void {
    if (this.verdicts.size >= this.limit) this.verdicts.delete(this.verdicts.keys().next().value!);
    this.verdicts.set(this.key(it), { pubKey: it.pubKey, signBytes: it.signBytes, ok });
    this.rememberOf(it, ok);
  }

  private rememberOf(it: PendingSignature, ok: boolean): void {
    if (it.of) this.byMessage.set(it.of.msg, { chainId: it.of.chainId, pubKey: it.pubKey, ok });
  }
}
