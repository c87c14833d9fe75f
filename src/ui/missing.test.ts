import { describe, expect, it } from 'vitest';
import { missing } from './missing.js';
import type { Bits, PeerRoundStateView, RoundStateView } from '../observe/model.js';

/** Bits from CometBFT's picture of them, `xx_x` (only in this test: the model carries indices). */
const b = (s: string): Bits => ({ size: s.length, indices: [...s].flatMap((c, i) => (c === 'x' ? [i] : [])) });
const voteSet = (s: string) => ({ round: 0, type: 1, bitArray: b(s), tallies: [], twoThirdsMajority: null, hasTwoThirdsAny: false, sum: '0' });
const blockId = { hash: 'ab', partSetHeader: { total: 1, hash: 'cd' } };
const rs = {
  height: 5, round: 0, step: 'RoundStepPrevote',
  proposal: { round: 0, polRound: -1, blockId }, proposalBlockParts: b('xx'),
  votes: [{ round: 0, prevotes: voteSet('xx_x'), precommits: voteSet('____') }],
} as unknown as RoundStateView;
const peer = (p: Partial<Record<keyof PeerRoundStateView, unknown>>): PeerRoundStateView => ({
  peer: 'n1', height: 5, round: 0, step: 'RoundStepPrevote', startTime: 0, proposal: true, proposalBlockParts: b('xx'), proposalPOLRound: -1, proposalPOL: null,
  prevotes: b('____'), precommits: b('____'), lastCommitRound: -1, lastCommit: null, catchupCommitRound: -1, catchupCommit: null,
  ...Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'string' && /^[x_]+$/.test(v) ? b(v) : v])),
}) as PeerRoundStateView;

describe('missing matrix', () => {
  it('lists what each side has that the other lacks, vote by vote', () => {
    expect(missing(rs, peer({ prevotes: 'x_xx', precommits: '__x_' }))).toEqual({
      peerLacks: ['prevote v1'],
      nodeLacks: ['prevote v2', 'precommit v2'],
    });
  });

  it('a peer not heard from yet lacks nothing we know of (not "5 blocks")', () => {
    expect(missing(rs, peer({ height: 0, round: -1, step: null, proposal: false, proposalBlockParts: null, prevotes: null, precommits: null }))).toEqual({ peerLacks: [], nodeLacks: [] });
  });

  it('counts the proposal and its parts in the same round', () => {
    expect(missing(rs, peer({ proposal: false, proposalBlockParts: 'x_', prevotes: 'xx_x' }))).toEqual({ peerLacks: ['proposal', 'part #1'], nodeLacks: [] });
  });

  it('a peer at another height lacks (or has) whole blocks', () => {
    expect(missing(rs, peer({ height: 3 }))).toEqual({ peerLacks: ['2 block(s)'], nodeLacks: [] });
    expect(missing(rs, peer({ height: 6 }))).toEqual({ peerLacks: [], nodeLacks: ['1 block(s)'] });
  });
});
