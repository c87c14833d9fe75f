// Reactor message codec: the derived vectors, round trips, and the decoder's refusals (catalogue E).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propConfig } from '../../../test/props.js';
import { vectors } from '../../../test/shared.js';
import { MAX_MSG_SIZE, MAX_VOTES_COUNT, RoundStepType, SignedMsgType } from '../types.js';
import type { Vote } from '../types.js';
import { BitArray } from '../bits/bit-array.js';
import { concat, fromHex, toHex } from '../bytes.js';
import { PrevoteError } from '../errors.js';
import { sha256 } from '../crypto/sha256.js';
import { PartSet } from '../blocks/part-set.js';
import type { ConsensusMessage } from './messages.js';
import { decodeMessage, decodeMessageShared, encodeMessage, encodeMessageShared } from './messages.js';
import { BinaryWriter, writeInt64, writeMessage } from './proto.js';

const r = vectors.reactor_messages_derived;
const hash = (s: string) => sha256(new TextEncoder().encode(s));
const blockId = { hash: hash('b'), partSetHeader: { total: 2, hash: hash('p') } };
const vote: Vote = {
  type: SignedMsgType.Precommit,
  height: 7,
  round: 1,
  blockId,
  timestamp: { seconds: 1700000000, nanos: 5 },
  validatorAddress: hash('a').slice(0, 20),
  validatorIndex: 3,
  signature: new Uint8Array(64).fill(9),
  extension: new Uint8Array(0),
  extensionSignature: new Uint8Array(0),
};

const codeOf = (bytes: Uint8Array) => {
  try {
    decodeMessage(bytes);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(PrevoteError);
    return (e as PrevoteError).code;
  }
};

describe('consensus messages', () => {
  it('reproduces reactor_messages_derived', () => {
    const nrs: ConsensusMessage = { kind: 'NewRoundStep', height: 5, round: 1, step: RoundStepType.Prevote, secondsSinceStartTime: 2, lastCommitRound: 0 };
    expect(toHex(encodeMessage(nrs))).toBe(r['NewRoundStep{h=5,r=1,step=4(Prevote),secs=2,lastCommitRound=0} wrapped in Message.new_round_step(1)']);
    const hv: ConsensusMessage = { kind: 'HasVote', height: 5, round: 1, type: SignedMsgType.Precommit, index: 3 };
    expect(toHex(encodeMessage(hv))).toBe(r['HasVote{h=5,r=1,type=2,index=3} wrapped in Message.has_vote(7)']);
    const bits: ConsensusMessage = { kind: 'ProposalPOL', height: 0, proposalPolRound: 0, proposalPol: BitArray.fromIndices(5, [0, 2, 3]) };
    // ProposalPOL field 3 carries the BitArray: strip the envelope to compare the BitArray bytes
    expect(toHex(encodeMessage(bits))).toBe(`22071a05${r['BitArray{bits=5, set=[0,2,3]} (repeated uint64 elems, packed)']}`);
    expect(decodeMessage(encodeMessage(nrs))).toEqual(nrs);
  });

  it('every kind round-trips', () => {
    const parts = PartSet.fromData(new Uint8Array(70000).fill(1));
    const msgs: ConsensusMessage[] = [
      { kind: 'NewRoundStep', height: 9, round: 0, step: RoundStepType.NewHeight, secondsSinceStartTime: 0, lastCommitRound: -1 },
      { kind: 'NewValidBlock', height: 9, round: 2, blockPartSetHeader: parts.header(), blockParts: BitArray.fromIndices(2, [1]), isCommit: true },
      { kind: 'Proposal', proposal: { type: SignedMsgType.Proposal, height: 9, round: 2, polRound: 1, blockId, timestamp: { seconds: 5, nanos: 6 }, signature: new Uint8Array(64).fill(1) } },
      { kind: 'ProposalPOL', height: 9, proposalPolRound: 1, proposalPol: BitArray.fromIndices(70, [0, 64, 69]) },
      { kind: 'BlockPart', height: 9, round: 2, part: parts.getPart(1)! },
      { kind: 'Vote', vote },
      { kind: 'HasVote', height: 9, round: 2, type: SignedMsgType.Prevote, index: 0 },
      { kind: 'VoteSetMaj23', height: 9, round: 2, type: SignedMsgType.Prevote, blockId },
      { kind: 'VoteSetBits', height: 9, round: 2, type: SignedMsgType.Precommit, blockId, votes: BitArray.fromIndices(4, [1, 3]) },
      { kind: 'HasProposalBlockPart', height: 9, round: 2, index: 1 },
    ];
    for (const m of msgs) expect(decodeMessage(encodeMessage(m))).toEqual(m);
  });

  it('a vote is relayed with the bytes it came in only when they are our own encoding', () => {
    const bytes = encodeMessage({ kind: 'Vote', vote });
    const received = decodeMessageShared(bytes);
    expect(decodeMessageShared(bytes)).toBe(received); // one decode per bytes object
    if (received.kind !== 'Vote') throw new Error('not a vote');
    // a relay wraps the vote anew: it still goes out as the very bytes received
    expect(encodeMessageShared({ kind: 'Vote', vote: received.vote })).toBe(bytes);
    // an unknown field a peer added (field 15, varint 1) decodes to the same vote but does not travel on
    const padded = concat(bytes, new Uint8Array([0x78, 0x01]));
    const other = decodeMessageShared(padded);
    expect(other).toEqual(received);
    if (other.kind !== 'Vote') throw new Error('not a vote');
    const relayed = encodeMessageShared({ kind: 'Vote', vote: other.vote });
    expect(relayed).not.toBe(padded);
    expect(relayed).toEqual(bytes);
  });

  it("every node's HasVote for one vote goes out as one bytes object, decoded once", () => {
    const says = { height: 7, round: 2, type: SignedMsgType.Precommit, index: 41 } as const;
    const a = encodeMessageShared({ kind: 'HasVote', ...says });
    const b = encodeMessageShared({ kind: 'HasVote', ...says });
    expect(b).toBe(a);
    expect(a).toEqual(encodeMessage({ kind: 'HasVote', ...says }));
    expect(decodeMessageShared(b)).toBe(decodeMessageShared(a));
    // another vote, or fields past the memo's ranges, have bytes of their own, still the right ones
    expect(encodeMessageShared({ kind: 'HasVote', ...says, index: 40 })).not.toEqual(a);
    for (const far of [{ round: 5000 }, { height: 2 ** 30 }, { index: 70000 }]) {
      const m = { kind: 'HasVote', ...says, ...far } as const;
      expect(decodeMessage(encodeMessageShared(m))).toEqual(m);
    }
  });

  it('E: oversize, unknown kind, two kinds, truncation and trailing garbage are typed errors', () => {
    expect(codeOf(new Uint8Array(MAX_MSG_SIZE + 1))).toBe('ErrMsgTooBig');
    expect(codeOf(fromHex('5a00'))).toBe('ErrUnknownMessage'); // field 11
    expect(codeOf(new Uint8Array(0))).toBe('ErrUnknownMessage');
    const hv = encodeMessage({ kind: 'HasVote', height: 5, round: 1, type: SignedMsgType.Precommit, index: 3 });
    expect(codeOf(concat(hv, hv))).toBe('ErrTwoKinds');
    expect(codeOf(hv.subarray(0, hv.length - 1))).toMatch(/ErrTruncated|ErrMalformed/);
    expect(codeOf(concat(hv, Uint8Array.of(0x80)))).toMatch(/ErrTruncated|ErrMalformed/);
    expect(codeOf(fromHex('3a020a0d'))).toMatch(/ErrWireType|ErrTruncated|ErrMalformed/);
  });

  it('E: invalid values fail ValidateBasic', () => {
    const bad: [ConsensusMessage, RegExp][] = [
      [{ kind: 'HasVote', height: 5, round: -1, type: SignedMsgType.Prevote, index: 0 }, /negative round/],
      [{ kind: 'HasVote', height: 5, round: 0, type: 0x20 as SignedMsgType.Prevote, index: 0 }, /invalid vote type/],
      [{ kind: 'NewRoundStep', height: 5, round: 0, step: 9 as RoundStepType, secondsSinceStartTime: 0, lastCommitRound: 0 }, /invalid step/],
      [{ kind: 'Vote', vote: { ...vote, validatorAddress: new Uint8Array(3) } }, /address is 3 bytes/],
      [{ kind: 'Vote', vote: { ...vote, signature: new Uint8Array(0) } }, /signature is missing/],
      [{ kind: 'Vote', vote: { ...vote, type: SignedMsgType.Prevote, extension: new Uint8Array(1), extensionSignature: new Uint8Array(64) } }, /extensions/],
      [{ kind: 'Vote', vote: { ...vote, blockId: { hash: blockId.hash, partSetHeader: { total: 0, hash: new Uint8Array(0) } } } }, /nil or complete/],
      [{ kind: 'Proposal', proposal: { type: SignedMsgType.Proposal, height: 1, round: 0, polRound: 0, blockId, timestamp: { seconds: 0, nanos: 0 }, signature: new Uint8Array(64) } }, /POLRound/],
      [{ kind: 'NewValidBlock', height: 1, round: 0, blockPartSetHeader: blockId.partSetHeader, blockParts: new BitArray(3), isCommit: false }, /BlockParts has 3 bits/],
    ];
    for (const [m, re] of bad) expect(() => decodeMessage(encodeMessage(m))).toThrow(re);
  });

  it('E: a bit array beyond the bound is refused before allocating', () => {
    const w = new BinaryWriter();
    writeMessage(w, 9, (w) => {
      writeInt64(w, 1, 1);
      w.tag(3, 0).int32(1);
      writeMessage(w, 5, (w) => writeInt64(w, 1, 2 ** 40));
    });
    expect(codeOf(w.finish())).toBe('ErrBitArraySize');
    expect(MAX_VOTES_COUNT).toBe(10000);
  });

  it('decoding arbitrary bytes never throws anything but a typed error (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeMessage(bytes);
        } catch (e) {
          if (!(e instanceof PrevoteError)) throw e;
        }
      }),
      propConfig(2000),
    );
  });
});
