// VoteSet and HeightVoteSet: the vote-set edge cases of catalogue group G.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propConfig } from '../../../test/props.js';
import type { BlockID, Vote, VoteType } from '../types.js';
import { BlockIDFlag, SignedMsgType } from '../types.js';
import { blockIdEqual, nilBlockId } from '../blockid.js';
import { utf8 } from '../bytes.js';
import { ConflictingVoteError } from '../errors.js';
import type { SignatureChecker } from '../crypto/checker.js';
import { addressFromPubKey } from '../crypto/address.js';
import { publicKeyFromSeed, signSync, verifySync } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/sha256.js';
import { voteSignBytes } from '../encoding/sign-bytes.js';
import { ValidatorSet } from '../validators/validator-set.js';
import { verifyCommit } from '../validators/verify-commit.js';
import { VoteSet, commitToVoteSet } from './vote-set.js';
import { HeightVoteSet } from './height-vote-set.js';
import { duplicateVoteEvidence, verifyDuplicateVoteEvidence } from './evidence.js';

const CHAIN = 'test_chain_id';
const checker: SignatureChecker = {
  verifyVote: (chainId, vote, pubKey) => verifySync(pubKey, voteSignBytes(chainId, vote), vote.signature),
  verifyProposal: () => false,
};

function makeVals(powers: number[]) {
  const keys = powers.map((p, i) => {
    const seed = sha256(utf8(`validator ${i}`));
    const pubKey = publicKeyFromSeed(seed);
    return { seed, pubKey, address: addressFromPubKey(pubKey), power: BigInt(p) };
  });
  const set = ValidatorSet.create(keys.map((k) => ({ address: k.address, pubKey: k.pubKey, votingPower: k.power })));
  // signer for each set index
  const byIndex = set.validators.map((v) => keys.find((k) => k.address.every((b, j) => b === v.address[j]))!);
  return { set, byIndex };
}

function block(tag: string, pshHash = sha256(utf8(`parts ${tag}`)), total = 1): BlockID {
  return { hash: sha256(utf8(`block ${tag}`)), partSetHeader: { total, hash: pshHash } };
}

function signer(vals: ReturnType<typeof makeVals>) {
  return (i: number, blockId: BlockID | null, over: Partial<Vote> = {}): Vote => {
    const k = vals.byIndex[i];
    const v: Vote = {
      type: SignedMsgType.Prevote,
      height: 1,
      round: 0,
      blockId: blockId ?? nilBlockId(),
      timestamp: { seconds: 1700000000, nanos: 0 },
      validatorAddress: k.address,
      validatorIndex: i,
      signature: new Uint8Array(0),
      extension: new Uint8Array(0),
      extensionSignature: new Uint8Array(0),
      ...over,
    };
    return { ...v, signature: over.signature ?? signSync(k.seed, voteSignBytes(CHAIN, v)) };
  };
}

function setup(n = 10, type: VoteType = SignedMsgType.Prevote, powers?: number[]) {
  const vals = makeVals(powers ?? Array(n).fill(1));
  return { vals, vs: new VoteSet(CHAIN, 1, 0, type, vals.set, checker), vote: signer(vals) };
}

describe('VoteSet (catalogue G)', () => {
  it('G-01 a valid vote is added', () => {
    const { vs, vote, vals } = setup();
    const v = vote(0, null);
    expect(vs.addVote(v)).toEqual({ added: true });
    expect(vs.bitArray().get(0)).toBe(true);
    expect(vs.getByAddress(vals.byIndex[0].address)).toBe(v);
    expect(vs.hasTwoThirdsMajority()).toBe(false);
  });

  it('G-02 an exact duplicate is neither added nor an error', () => {
    const { vs, vote } = setup();
    const v = vote(0, null);
    vs.addVote(v);
    expect(vs.addVote(v)).toEqual({ added: false });
    expect(vs.sum).toBe(1n);
  });

  it('G-03 a conflicting vote yields ErrVoteConflictingVotes with both votes; the first stays', () => {
    const { vs, vote, vals } = setup();
    const a = vote(0, null);
    const b = vote(0, block('x'));
    vs.addVote(a);
    const res = vs.addVote(b);
    expect(res.added).toBe(false);
    expect(res.error).toBeInstanceOf(ConflictingVoteError);
    const err = res.error as ConflictingVoteError;
    expect(err.voteA).toBe(a);
    expect(err.voteB).toBe(b);
    expect(vs.getByIndex(0)).toBe(a);
    const ev = duplicateVoteEvidence(a, b, vals.set, { seconds: 0, nanos: 0 });
    expect(verifyDuplicateVoteEvidence(CHAIN, ev, vals.set, checker)).toBeNull();
    expect(verifyDuplicateVoteEvidence(CHAIN, { ...ev, voteB: { ...ev.voteB, signature: ev.voteA.signature } }, vals.set, checker)).toMatch(/invalid signature/);
  });

  it('G-04/05/06 wrong height, round or type is ErrVoteUnexpectedStep', () => {
    const { vs, vote } = setup();
    for (const over of [{ height: 2 }, { round: 1 }, { type: SignedMsgType.Precommit as VoteType }]) {
      const res = vs.addVote(vote(0, null, over));
      expect(res.added).toBe(false);
      expect(res.error?.code).toBe('ErrVoteUnexpectedStep');
      expect(res.error?.message).toMatch(/expected 1\/0\/1, but got/);
    }
  });

  it('G-07 missing identity fields; G-08 unknown index is refused before the signature check', () => {
    const { vs, vote } = setup();
    expect(vs.addVote(vote(0, null, { validatorIndex: -1 })).error?.code).toBe('ErrVoteInvalidValidatorIndex');
    expect(vs.addVote(vote(0, null, { validatorAddress: new Uint8Array(0) })).error?.code).toBe('ErrVoteInvalidValidatorAddress');
    let checked = 0;
    const counting = new VoteSet(CHAIN, 1, 0, SignedMsgType.Prevote, vs.valSet, { verifyVote: () => (checked++, true), verifyProposal: () => false });
    for (const index of [10, 1000]) {
      const res = counting.addVote(vote(0, null, { validatorIndex: index, signature: new Uint8Array(64) }));
      expect(res.error?.code).toBe('ErrVoteInvalidValidatorIndex');
      expect(res.error?.message).toMatch(/cannot find validator .* in valSet of size 10/);
    }
    expect(checked).toBe(0);
  });

  it('G-09 an address that does not match the index', () => {
    const { vs, vote, vals } = setup();
    const v = vote(3, null, { validatorIndex: 2, validatorAddress: vals.byIndex[3].address });
    expect(vs.addVote(v).error?.code).toBe('ErrVoteInvalidValidatorAddress');
  });

  it('G-10 same content, different signature: ErrVoteNonDeterministicSignature, not evidence', () => {
    const { vs, vote } = setup();
    vs.addVote(vote(0, null));
    const again = vote(0, null, { signature: new Uint8Array(64).fill(7) });
    const res = vs.addVote(again);
    expect(res.error?.code).toBe('ErrVoteNonDeterministicSignature');
    expect(res.error).not.toBeInstanceOf(ConflictingVoteError);
  });

  it('an invalid signature is ErrVoteInvalidSignature', () => {
    const { vs, vote } = setup();
    const v = vote(0, null);
    expect(vs.addVote({ ...v, signature: new Uint8Array(64) }).error?.code).toBe('ErrVoteInvalidSignature');
  });

  it('G-11 the quorum boundary: 6 nil, 1 block, then the 8th makes a nil majority', () => {
    const { vs, vote } = setup();
    for (let i = 0; i < 6; i++) vs.addVote(vote(i, null));
    expect(vs.hasTwoThirdsMajority()).toBe(false);
    expect(vs.hasTwoThirdsAny()).toBe(false);
    vs.addVote(vote(6, block('x')));
    expect(vs.hasTwoThirdsMajority()).toBe(false);
    expect(vs.hasTwoThirdsAny()).toBe(true);
    vs.addVote(vote(7, null));
    expect(vs.twoThirdsMajority()).toEqual(nilBlockId());
  });

  it('G-12 BlockID equality includes the PartSetHeader (100 validators)', () => {
    const { vs, vote } = setup(100);
    const b = block('b');
    for (let i = 0; i < 66; i++) vs.addVote(vote(i, b));
    vs.addVote(vote(66, null));
    vs.addVote(vote(67, { ...b, partSetHeader: { ...b.partSetHeader, hash: sha256(utf8('other')) } }));
    vs.addVote(vote(68, { ...b, partSetHeader: { ...b.partSetHeader, total: 2 } }));
    vs.addVote(vote(69, { ...b, hash: sha256(utf8('other hash')) }));
    expect(vs.hasTwoThirdsMajority()).toBe(false);
    vs.addVote(vote(70, b));
    expect(blockIdEqual(vs.twoThirdsMajority()!, b)).toBe(true);
  });

  it('G-13 conflicts under peer maj23 claims', () => {
    const { vs, vote } = setup(4);
    const b1 = block('1');
    const b2 = block('2');
    vs.addVote(vote(0, null));
    const c = vs.addVote(vote(0, b1));
    expect(c.added).toBe(false);
    expect(c.error).toBeInstanceOf(ConflictingVoteError);
    expect(vs.setPeerMaj23('peerA', b1)).toBeNull();
    const c2 = vs.addVote(vote(0, b1));
    expect(c2.added).toBe(true);
    expect(c2.error).toBeInstanceOf(ConflictingVoteError);
    expect(vs.setPeerMaj23('peerA', b2)?.code).toBe('ErrConflictingPeerMaj23');
    vs.addVote(vote(1, b1));
    vs.addVote(vote(2, b2));
    expect(vs.hasTwoThirdsAny()).toBe(true);
    expect(vs.hasTwoThirdsMajority()).toBe(false);
    expect(vs.setPeerMaj23('peerB', b1)).toBeNull();
    const last = vs.addVote(vote(2, b1));
    expect(last.added).toBe(true);
    expect(blockIdEqual(vs.twoThirdsMajority()!, b1)).toBe(true);
    expect(vs.bitArrayByBlockId(b1)!.toString()).toBe('BA{4:xxx_}');
  });

  it('G-14 a commit only from a +2/3 precommit majority, with Absent for other blocks', () => {
    const { vs, vote, vals } = setup(4, SignedMsgType.Precommit);
    const b = block('b');
    const pc = (i: number, id: BlockID | null) => vote(i, id, { type: SignedMsgType.Precommit });
    vs.addVote(pc(0, b));
    vs.addVote(pc(1, null));
    expect(() => vs.makeCommit()).toThrow(/without a \+2\/3 majority/);
    vs.addVote(pc(2, b));
    vs.addVote(pc(3, b));
    const commit = vs.makeCommit();
    expect(commit.signatures.map((s) => s.blockIdFlag)).toEqual([BlockIDFlag.Commit, BlockIDFlag.Nil, BlockIDFlag.Commit, BlockIDFlag.Commit]);
    expect(verifyCommit(CHAIN, vals.set, b, 1, commit, checker)).toBeNull();
    expect(verifyCommit(CHAIN, vals.set, block('x'), 1, commit, checker)?.message).toMatch(/commit is for block/);
    const forged = { ...commit, signatures: commit.signatures.map((s, i) => (i === 2 ? { ...s, signature: new Uint8Array(64) } : s)) };
    expect(verifyCommit(CHAIN, vals.set, b, 1, forged, checker)?.message).toMatch(/signature 2 is invalid/);
    const back = commitToVoteSet(CHAIN, commit, vals.set, checker);
    expect(back.hasTwoThirdsMajority()).toBe(true);
    expect(back.sum).toBe(4n);
  });

  it('G-15 weighted powers: the threshold is by power, not head count', () => {
    const { vs, vote } = setup(3, SignedMsgType.Prevote, [60, 30, 10]);
    const v1 = block('v1');
    const idx = (p: bigint) => vs.valSet.validators.findIndex((v) => v.votingPower === p);
    vs.addVote(vote(idx(60n), v1));
    expect(vs.hasTwoThirdsMajority()).toBe(false);
    vs.addVote(vote(idx(10n), v1));
    expect(blockIdEqual(vs.twoThirdsMajority()!, v1)).toBe(true);
    const any = setup(3, SignedMsgType.Prevote, [60, 30, 10]);
    any.vs.addVote(any.vote(idx(60n), v1));
    any.vs.addVote(any.vote(idx(10n), null));
    expect(any.vs.hasTwoThirdsAny()).toBe(true);
    expect(any.vs.hasTwoThirdsMajority()).toBe(false);
  });
});

describe('HeightVoteSet', () => {
  it('allows two catch-up rounds per peer and reports POLInfo', () => {
    const vals = makeVals([1, 1, 1, 1]);
    const vote = signer(vals);
    const hvs = new HeightVoteSet(CHAIN, 1, vals.set, checker);
    expect(hvs.addVote(vote(0, null, { round: 5 }), 'p').added).toBe(true);
    expect(hvs.addVote(vote(0, null, { round: 7 }), 'p').added).toBe(true);
    expect(hvs.addVote(vote(0, null, { round: 9 }), 'p').error?.code).toBe('ErrGotVoteFromUnwantedRound');
    expect(hvs.addVote(vote(1, null, { round: 9 }), 'q').added).toBe(true);
    const b = block('b');
    hvs.setRound(3);
    for (let i = 0; i < 3; i++) hvs.addVote(vote(i, b, { round: 2 }), '');
    expect(hvs.polInfo().round).toBe(2);
    expect(blockIdEqual(hvs.polInfo().blockId, b)).toBe(true);
    expect(() => hvs.setRound(1)).toThrow();
  });
});

describe('VoteSet tallies (property)', () => {
  // signatures are not the point here: a checker that accepts all keeps thousands of cases fast
  const accepting: SignatureChecker = { verifyVote: () => true, verifyProposal: () => true };
  const blocks = [null, block('A'), block('B')];

  it('sum, per-block power, +2/3 majority and the bit-array match a reference model; conflicts never count twice', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2 })), { maxLength: 40 }),
        (powers, votes) => {
          const vals = makeVals(powers);
          const vs = new VoteSet(CHAIN, 1, 0, SignedMsgType.Prevote, vals.set, accepting);
          const total = vals.set.totalVotingPower();
          const first = new Map<number, number>(); // validator index -> block choice of its first vote (what is counted)
          const canonical = new Map<number, number>(); // the vote the set keeps per validator (§7.1)
          let maj23: number | undefined;
          const tally = (b: number) => [...first].filter(([, c]) => c === b).reduce((acc, [i]) => acc + vals.set.getByIndex(i)!.votingPower, 0n);
          for (const [v, b] of votes) {
            const i = v % powers.length;
            const k = vals.byIndex[i];
            const vote: Vote = {
              type: SignedMsgType.Prevote, height: 1, round: 0, blockId: blocks[b] ?? nilBlockId(), timestamp: { seconds: 1700000000, nanos: 0 },
              validatorAddress: k.address, validatorIndex: i, signature: new Uint8Array([b]), extension: new Uint8Array(0), extensionSignature: new Uint8Array(0),
            };
            const res = vs.addVote(vote);
            if (!first.has(i)) {
              expect(res).toEqual({ added: true });
              first.set(i, b);
              canonical.set(i, b);
              if (maj23 === undefined && tally(b) * 3n > total * 2n) maj23 = b;
            } else if (canonical.get(i) === b || first.get(i) === b) {
              expect(res).toEqual({ added: false }); // a duplicate of a vote the set holds (as CometBFT's getVote)
            } else {
              // a conflict is reported and never counted; a vote for the +2/3 block becomes the one kept
              expect(res.error).toBeInstanceOf(ConflictingVoteError);
              expect(res.added).toBe(false);
              if (b === maj23) canonical.set(i, b);
            }
          }
          const power = (i: number) => vals.set.getByIndex(i)!.votingPower;
          const sum = [...first.keys()].reduce((acc, i) => acc + power(i), 0n);
          expect(vs.sum).toBe(sum);
          expect(vs.hasTwoThirdsAny()).toBe(sum * 3n > total * 2n);
          const maj = vs.twoThirdsMajority();
          expect(maj === null ? undefined : blocks.findIndex((x) => blockIdEqual(x ?? nilBlockId(), maj))).toBe(maj23);
          for (let i = 0; i < powers.length; i++) expect(vs.bitArray().get(i)).toBe(first.has(i));
          for (const t of vs.tallies()) expect(t.power).toBe(tally(blocks.findIndex((x) => blockIdEqual(x ?? nilBlockId(), t.blockId))));
        },
      ),
      propConfig(300),
    );
  });
});

