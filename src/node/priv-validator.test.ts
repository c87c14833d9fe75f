// PrivValidator double-sign protection: catalogue group D (unit level).
import { describe, expect, it } from 'vitest';
import type { BlockID, Proposal, Vote } from '../core/types.js';
import { SignedMsgType } from '../core/types.js';
import { nilBlockId } from '../core/blockid.js';
import { bytesEqual, utf8 } from '../core/bytes.js';
import { SignRefusedError } from '../core/errors.js';
import { sha256 } from '../core/crypto/sha256.js';
import { publicKeyFromSeed, signSync, verifySync } from '../core/crypto/ed25519.js';
import { addressFromPubKey } from '../core/crypto/address.js';
import { proposalSignBytes, voteExtensionSignBytes, voteSignBytes } from '../core/encoding/sign-bytes.js';
import { LocalPrivValidator, MemoryPrivValidatorStateStore } from './priv-validator.js';

const CHAIN = 'privval-test';
const seed = sha256(utf8('privval key'));
const pubKey = publicKeyFromSeed(seed);
const block = (t: string): BlockID => ({ hash: sha256(utf8(t)), partSetHeader: { total: 1, hash: sha256(utf8(`p${t}`)) } });
const B1 = block('B1');
const B2 = block('B2');

function vote(type: SignedMsgType.Prevote | SignedMsgType.Precommit, height: number, round: number, blockId: BlockID | null, ms = 0): Vote {
  return {
    type,
    height,
    round,
    blockId: blockId ?? nilBlockId(),
    timestamp: { seconds: 1700000000 + Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 },
    validatorAddress: addressFromPubKey(pubKey),
    validatorIndex: 0,
    signature: new Uint8Array(0),
    extension: new Uint8Array(0),
    extensionSignature: new Uint8Array(0),
  };
}

const proposal = (height: number, round: number, blockId: BlockID, ms = 0): Proposal => ({
  type: SignedMsgType.Proposal,
  height,
  round,
  polRound: -1,
  blockId,
  timestamp: { seconds: 1700000000, nanos: ms * 1_000_000 },
  signature: new Uint8Array(0),
});

/** A signer over a memory store; `sync`: one that signs at once too, as the simulator's does. */
async function freshPv(sync: boolean) {
  const store = new MemoryPrivValidatorStateStore();
  let signs = 0;
  const sign = (m: Uint8Array) => (signs++, signSync(seed, m));
  const pv = new LocalPrivValidator(sync ? { pubKey, sign: async (m) => sign(m), signSync: sign } : { pubKey, sign: async (m) => sign(m) }, store);
  await pv.load();
  return { pv, store, signs: () => signs };
}

const PV = SignedMsgType.Prevote;
const PC = SignedMsgType.Precommit;

/** The refusal's code, whether the signer throws at once or its promise rejects. */
async function refusal(call: () => unknown): Promise<string> {
  try {
    await call();
  } catch (e) {
    expect(e).toBeInstanceOf(SignRefusedError);
    return (e as SignRefusedError).code;
  }
  throw new Error('expected a refusal');
}

describe.each([
  ['a signer that answers later (WebCrypto, files, IndexedDB)', false],
  ['a synchronous signer over memory (the simulator)', true],
])('PrivValidator (catalogue D): %s', (_, sync) => {
  const fresh = () => freshPv(sync);

  it('D-01 re-signing the identical vote returns the identical signature without signing again', async () => {
    const { pv, signs } = await fresh();
    const a = await pv.signVote(CHAIN, vote(PV, 10, 1, B1));
    const b = await pv.signVote(CHAIN, vote(PV, 10, 1, B1));
    expect(bytesEqual(a.signature, b.signature)).toBe(true);
    expect(signs()).toBe(1);
    expect(verifySync(pubKey, voteSignBytes(CHAIN, a), a.signature)).toBe(true);
  });

  it('D-02 height regression and D-03 round regression are refused', async () => {
    const { pv } = await fresh();
    await pv.signVote(CHAIN, vote(PV, 10, 1, B1));
    expect(await refusal(() => pv.signVote(CHAIN, vote(PV, 9, 1, B1)))).toBe('ErrHeightRegression');
    expect(await refusal(() => pv.signVote(CHAIN, vote(PV, 8, 5, B1)))).toBe('ErrHeightRegression');
    expect(await refusal(() => pv.signVote(CHAIN, vote(PV, 10, 0, B1)))).toBe('ErrRoundRegression');
  });

  it('D-04 step regression: prevote after precommit, proposal after prevote', async () => {
    const { pv } = await fresh();
    await pv.signVote(CHAIN, vote(PC, 10, 1, B1));
    expect(await refusal(() => pv.signVote(CHAIN, vote(PV, 10, 1, B1)))).toBe('ErrStepRegression');
    const b = await fresh();
    await b.pv.signVote(CHAIN, vote(PV, 10, 1, B1));
    expect(await refusal(() => b.pv.signProposal(CHAIN, proposal(10, 1, B1)))).toBe('ErrStepRegression');
  });

  it('D-05 same HRS, different block: conflicting data, state unchanged (votes and proposals)', async () => {
    const { pv } = await fresh();
    await pv.signVote(CHAIN, vote(PV, 10, 1, B1));
    const before = pv.lastSignState();
    expect(await refusal(() => pv.signVote(CHAIN, vote(PV, 10, 1, B2)))).toBe('ErrConflictingData');
    expect(pv.lastSignState()).toEqual(before);
    const p = await fresh();
    await p.pv.signProposal(CHAIN, proposal(10, 1, B1));
    expect(await refusal(() => p.pv.signProposal(CHAIN, proposal(10, 1, B2)))).toBe('ErrConflictingData');
  });

  it('D-06 nil then block (and the reverse) at the same HRS is refused', async () => {
    const a = await fresh();
    await a.pv.signVote(CHAIN, vote(PV, 3, 0, null));
    expect(await refusal(() => a.pv.signVote(CHAIN, vote(PV, 3, 0, B1)))).toBe('ErrConflictingData');
    const b = await fresh();
    await b.pv.signVote(CHAIN, vote(PC, 3, 0, B1));
    expect(await refusal(() => b.pv.signVote(CHAIN, vote(PC, 3, 0, null)))).toBe('ErrConflictingData');
  });

  it('D-07 only the timestamp differs: the old timestamp and signature come back and verify', async () => {
    const { pv } = await fresh();
    const first = await pv.signVote(CHAIN, vote(PV, 10, 1, B1, 0));
    const again = await pv.signVote(CHAIN, vote(PV, 10, 1, B1, 1));
    expect(again.timestamp).toEqual(first.timestamp);
    expect(bytesEqual(again.signature, first.signature)).toBe(true);
    expect(verifySync(pubKey, voteSignBytes(CHAIN, again), again.signature)).toBe(true);
    const p = await fresh();
    const p1 = await p.pv.signProposal(CHAIN, proposal(4, 0, B1, 0));
    const p2 = await p.pv.signProposal(CHAIN, proposal(4, 0, B1, 7));
    expect(p2.timestamp).toEqual(p1.timestamp);
    expect(verifySync(pubKey, proposalSignBytes(CHAIN, p2), p2.signature)).toBe(true);
  });

  it('D-09 legal order inside a round: proposal → prevote → precommit, then only later rounds', async () => {
    const { pv } = await fresh();
    await pv.signProposal(CHAIN, proposal(5, 2, B1));
    await pv.signVote(CHAIN, vote(PV, 5, 2, B1));
    await pv.signVote(CHAIN, vote(PC, 5, 2, B1));
    expect(await refusal(() => pv.signProposal(CHAIN, proposal(5, 2, B1)))).toBe('ErrStepRegression');
    await pv.signVote(CHAIN, vote(PV, 5, 3, null));
    await pv.signVote(CHAIN, vote(PV, 6, 0, B2));
  });

  it('D-10/D-13 state is persisted before release and survives a reload', async () => {
    const { pv, store } = await fresh();
    const signed = await pv.signVote(CHAIN, vote(PC, 12, 0, B1));
    const saved = (await store.load())!;
    expect(saved.height).toBe(12);
    expect(bytesEqual(saved.signature, signed.signature)).toBe(true);
    const reborn = new LocalPrivValidator({ pubKey, sign: async (m) => signSync(seed, m) }, store);
    await reborn.load();
    expect(reborn.lastSignState()).toEqual(pv.lastSignState());
    expect(await refusal(() => reborn.signVote(CHAIN, vote(PC, 12, 0, B2)))).toBe('ErrConflictingData');
    // a store whose save fails never lets the signature out
    const failing = new LocalPrivValidator({ pubKey, sign: async (m) => signSync(seed, m) }, { load: async () => null, save: async () => Promise.reject(new Error('disk full')) });
    await failing.load();
    await expect(Promise.resolve().then(() => failing.signVote(CHAIN, vote(PV, 1, 0, B1)))).rejects.toThrow('disk full');
    if (!sync) return;
    // at once: a save that throws keeps the signature in, and the state as it was
    const signer = { pubKey, sign: async (m: Uint8Array) => signSync(seed, m), signSync: (m: Uint8Array) => signSync(seed, m) };
    const failingNow = new LocalPrivValidator(signer, { load: async () => null, save: async () => undefined, saveSync: () => { throw new Error('disk full'); } });
    await failingNow.load();
    expect(() => failingNow.signVote(CHAIN, vote(PV, 1, 0, B1))).toThrow('disk full');
    expect(failingNow.lastSignState().height).toBe(0);
  });

  it('D-14 extensions are signed afresh; prevotes and nil precommits may not carry one', async () => {
    const { pv } = await fresh();
    const withExt = { ...vote(PC, 8, 0, B1), extension: utf8('ext-1') };
    const a = await pv.signVote(CHAIN, withExt);
    expect(verifySync(pubKey, voteExtensionSignBytes(CHAIN, a), a.extensionSignature)).toBe(true);
    const b = await pv.signVote(CHAIN, { ...vote(PC, 8, 0, B1, 1), extension: utf8('ext-2') });
    expect(verifySync(pubKey, voteExtensionSignBytes(CHAIN, b), b.extensionSignature)).toBe(true);
    expect(bytesEqual(a.signature, b.signature)).toBe(true);
    expect(b.timestamp).toEqual(a.timestamp);
    expect(await refusal(() => pv.signVote(CHAIN, { ...vote(PV, 9, 0, B1), extension: utf8('x') }))).toBe('ErrUnexpectedExtension');
  });
});
