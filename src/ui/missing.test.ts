import { describe, expect, it } from 'vitest';
import { missing } from './missing.js';
import type { PeerView, RoundStateSnapshot } from '../core/view.js';

const voteSet = (bitArray: string) => ({ round: 0, type: 1, bitArray, tallies: [], twoThirdsMajority: null, hasTwoThirdsAny: false, sum: '0' });
const rs = {
  height: 5, round: 0, step: 'RoundStepPrevote',
  proposal: { round: 0, polRound: -1, blockId: 'AB:1:CD' }, proposalBlockParts: 'BA{2:xx}',
  votes: [{ round: 0, prevotes: voteSet('BA{4:xx_x}'), precommits: voteSet('BA{4:____}') }],
} as unknown as RoundStateSnapshot;
const peer = (p: Partial<PeerView>): PeerView => ({ peer: 1, height: 5, round: 0, step: 'RoundStepPrevote', proposal: true, proposalBlockParts: 'BA{2:xx}', prevotes: 'BA{4:____}', precommits: 'BA{4:____}', lastCommit: null, catchupCommit: null, ...p });

describe('missing matrix', () => {
  it('lists what each side has that the other lacks, vote by vote', () => {
    expect(missing(rs, peer({ prevotes: 'BA{4:x_xx}', precommits: 'BA{4:__x_}' }))).toEqual({
      peerLacks: ['prevote v1'],
      nodeLacks: ['prevote v2', 'precommit v2'],
    });
  });

  it('counts the proposal and its parts in the same round', () => {
    expect(missing(rs, peer({ proposal: false, proposalBlockParts: 'BA{2:x_}', prevotes: 'BA{4:xx_x}' }))).toEqual({ peerLacks: ['proposal', 'part #1'], nodeLacks: [] });
  });

  it('a peer at another height lacks (or has) whole blocks', () => {
    expect(missing(rs, peer({ height: 3 }))).toEqual({ peerLacks: ['2 block(s)'], nodeLacks: [] });
    expect(missing(rs, peer({ height: 6 }))).toEqual({ peerLacks: [], nodeLacks: ['1 block(s)'] });
  });
});
