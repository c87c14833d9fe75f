// Sign bytes, signatures and addresses against ../shared/spec/vectors.json (CometBFT v1 and v0.10).
import { describe, expect, it } from 'vitest';
import { vectors } from '../../../test/shared.js';
import type { Proposal, Vote } from '../types.js';
import { GO_ZERO_TIME, SignedMsgType } from '../types.js';
import { nilBlockId } from '../blockid.js';
import { fromHex, toHex, utf8 } from '../bytes.js';
import { addressFromPubKey } from '../crypto/address.js';
import { publicKeyFromSeed, signSync, verifySync } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/sha256.js';
import { parseRfc3339 } from '../time.js';
import { proposalSignBytes, signBytesDifferOnlyByTimestamp, signBytesTimestamp, voteExtensionSignBytes, voteSignBytes } from './sign-bytes.js';
import { addressV010, proposalSignBytesV010, singlePartHashV010, voteSignBytesV010 } from './json-v010.js';

const empty = new Uint8Array(0);

function vote(fields: Partial<Vote>): Vote {
  return {
    type: 0 as SignedMsgType.Prevote,
    height: 0,
    round: 0,
    blockId: nilBlockId(),
    timestamp: GO_ZERO_TIME,
    validatorAddress: empty,
    validatorIndex: 0,
    signature: empty,
    extension: empty,
    extensionSignature: empty,
    ...fields,
  };
}

describe('CometBFT v1 canonical sign bytes', () => {
  it.each(vectors.cometbft_vote_sign_bytes_upstream.cases as { index: number; chain_id: string; vote: { type: number; height: number; round: number; extension_utf8: string | null }; sign_bytes_hex: string }[])(
    'TestVoteSignBytesTestVectors case $index',
    (c) => {
      const v = vote({ type: c.vote.type as SignedMsgType.Prevote, height: c.vote.height, round: c.vote.round, extension: c.vote.extension_utf8 ? utf8(c.vote.extension_utf8) : empty });
      expect(toHex(voteSignBytes(c.chain_id, v))).toBe(c.sign_bytes_hex);
    },
  );

  const d = vectors.cometbft_sign_bytes_derived;
  const fv = d.fixtures.vote;
  const exampleVote = (type: SignedMsgType.Prevote | SignedMsgType.Precommit) =>
    vote({
      type,
      height: fv.height,
      round: fv.round,
      timestamp: parseRfc3339(fv.timestamp),
      blockId: { hash: fromHex(fv.block_id_hash_hex), partSetHeader: { total: fv.part_set_header_total, hash: fromHex(fv.part_set_header_hash_hex) } },
      validatorAddress: fromHex(fv.validator_address_hex),
      validatorIndex: fv.validator_index,
    });
  const fp = d.fixtures.proposal;
  const proposal = (polRound: number): Proposal => ({
    type: SignedMsgType.Proposal,
    height: fp.height,
    round: fp.round,
    polRound,
    blockId: { hash: utf8(fp.block_id_hash_utf8), partSetHeader: { total: fp.part_set_header_total, hash: utf8(fp.part_set_header_hash_utf8) } },
    timestamp: { seconds: fp.timestamp_seconds, nanos: fp.timestamp_nanos },
    signature: empty,
  });

  it('fixtures hash as upstream TestVoteString says', () => {
    expect(toHex(sha256(utf8('blockID_hash'))).slice(0, 12)).toBe(fv.block_id_hash_hex.slice(0, 12));
    expect(toHex(sha256(utf8('validator_address'))).slice(0, 40)).toBe(fv.validator_address_hex);
  });

  it('prevote, precommit, nil prevote, extension and proposal sign bytes', () => {
    expect(toHex(voteSignBytes(fv.chain_id, exampleVote(SignedMsgType.Prevote)))).toBe(d.prevote_sign_bytes_hex);
    expect(toHex(voteSignBytes(fv.chain_id, exampleVote(SignedMsgType.Precommit)))).toBe(d.precommit_sign_bytes_hex);
    expect(toHex(voteSignBytes(fv.chain_id, { ...exampleVote(SignedMsgType.Prevote), blockId: nilBlockId() }))).toBe(d.nil_prevote_sign_bytes_hex);
    expect(toHex(voteExtensionSignBytes(fv.chain_id, { height: fv.height, round: fv.round, extension: utf8('extension') }))).toBe(
      d["vote_extension_sign_bytes_hex (extension='extension')"],
    );
    expect(toHex(proposalSignBytes(fp.chain_id, proposal(-1)))).toBe(d['proposal_sign_bytes_hex (pol_round=-1)']);
    expect(toHex(proposalSignBytes(fp.chain_id, proposal(0)))).toBe(d['proposal_sign_bytes_hex (pol_round=0, shows field 4 omitted)']);
  });

  it('Ed25519 (RFC 8032 key): public key, address and deterministic signatures', () => {
    const e = vectors.ed25519_derived;
    const seed = fromHex(e.key.seed_hex);
    const pub = publicKeyFromSeed(seed);
    expect(toHex(pub)).toBe(e.key.pubkey_hex);
    expect(toHex(addressFromPubKey(pub))).toBe(e.address_hex);
    const cases: [Uint8Array, string][] = [
      [voteSignBytes(fv.chain_id, exampleVote(SignedMsgType.Prevote)), e.signatures['prevote (sign bytes = cometbft_sign_bytes_derived.prevote_sign_bytes_hex)']],
      [voteSignBytes(fv.chain_id, exampleVote(SignedMsgType.Precommit)), e.signatures.precommit],
      [proposalSignBytes(fp.chain_id, proposal(-1)), e.signatures['proposal (pol_round=-1)']],
    ];
    for (const [msg, sig] of cases) {
      expect(toHex(signSync(seed, msg))).toBe(sig);
      expect(verifySync(pub, msg, fromHex(sig))).toBe(true);
      msg[msg.length - 1] ^= 1;
      expect(verifySync(pub, msg, fromHex(sig))).toBe(false);
    }
  });

  it('the privval comparison sees through timestamps only', () => {
    const a = voteSignBytes('c', exampleVote(SignedMsgType.Prevote));
    const b = voteSignBytes('c', { ...exampleVote(SignedMsgType.Prevote), timestamp: { seconds: fv.timestamp_seconds, nanos: fv.timestamp_nanos + 1_000_000 } });
    const c = voteSignBytes('c', { ...exampleVote(SignedMsgType.Prevote), round: 3 });
    expect(signBytesDifferOnlyByTimestamp(a, b, 'vote')).toBe(true);
    expect(signBytesDifferOnlyByTimestamp(a, c, 'vote')).toBe(false);
    expect(signBytesTimestamp(a, 'vote')).toEqual({ seconds: fv.timestamp_seconds, nanos: fv.timestamp_nanos });
    const p = proposalSignBytes('c', proposal(-1));
    expect(signBytesTimestamp(p, 'proposal')).toEqual({ seconds: fp.timestamp_seconds, nanos: fp.timestamp_nanos });
  });
});

describe('Tendermint v0.10 canonical JSON', () => {
  const t = vectors.tendermint_v0_10_canonical_json;
  const pub = fromHex(t.pubkey_hex);
  const blockId = { hash: fromHex('F3BBFBE7E4A5D619E2C498C3D1B912883786DD71'), parts: { total: 1, hash: fromHex('ACED4A95DDEBD24E66A681F7EAB4CA22C4B8546D') } };

  it('reconstructs the sign bytes of the upstream WAL and their signatures verify', () => {
    const prevote = voteSignBytesV010(t.chain_id, { blockId, height: 1, round: 0, type: 1 });
    const precommit = voteSignBytesV010(t.chain_id, { blockId, height: 1, round: 0, type: 2 });
    const prop = proposalSignBytesV010(t.chain_id, { blockPartsHeader: blockId.parts, height: 1, polBlockId: { hash: empty, parts: { total: 0, hash: empty } }, polRound: -1, round: 0 });
    expect(new TextDecoder().decode(prevote)).toBe(t.prevote.sign_bytes_utf8);
    expect(new TextDecoder().decode(precommit)).toBe(t.precommit.sign_bytes_utf8);
    expect(new TextDecoder().decode(prop)).toBe(t.proposal.sign_bytes_utf8);
    expect(verifySync(pub, prevote, fromHex(t.prevote.signature_hex))).toBe(true);
    expect(verifySync(pub, precommit, fromHex(t.precommit.signature_hex))).toBe(true);
    expect(verifySync(pub, prop, fromHex(t.proposal.signature_hex))).toBe(true);
  });

  it('v0.10 address and single-part hash use RIPEMD160', () => {
    expect(toHex(addressV010(pub)).toUpperCase()).toBe(t.address_hex);
    expect(toHex(singlePartHashV010(fromHex(t.single_part_block.part0_bytes_hex))).toUpperCase()).toBe(t.single_part_block.part_set_hash_hex);
    const seed = fromHex(t['priv_key_64_hex (seed||pubkey, from README)'].slice(0, 64));
    expect(toHex(publicKeyFromSeed(seed)).toUpperCase()).toBe(t.pubkey_hex);
  });
});
