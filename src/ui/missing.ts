// The "missing" matrix: for a node and one of its peers (as the node sees it through
// PeerRoundState), what the node has that the peer lacks, and the reverse. This is exactly
// what the gossip routines will send next, or ask for.
import type { Bits, PeerRoundStateView, RoundStateView } from '../observe/model.js';

export interface Missing {
  /** the node has these and the peer does not */
  peerLacks: string[];
  /** the peer has these and the node does not */
  nodeLacks: string[];
}

const minus = (a: number[], b: number[]) => a.filter((i) => !b.includes(i));

export function missing(rs: RoundStateView, p: PeerRoundStateView): Missing {
  // nothing heard from the peer yet (its PeerRoundState is still height 0): nothing known to lack
  if (p.step === null) return { peerLacks: [], nodeLacks: [] };
  if (p.height < rs.height) return { peerLacks: [`${rs.height - p.height} block(s)`], nodeLacks: [] };
  if (p.height > rs.height) return { peerLacks: [], nodeLacks: [`${p.height - rs.height} block(s)`] };
  const own = rs.votes.find((v) => v.round === p.round);
  const out: Missing = { peerLacks: [], nodeLacks: [] };
  const diff = (prefix: string, mine: Bits | null | undefined, theirs: Bits | null) => {
    const m = mine?.indices ?? [];
    const t = theirs?.indices ?? [];
    out.peerLacks.push(...minus(m, t).map((i) => `${prefix}${i}`));
    out.nodeLacks.push(...minus(t, m).map((i) => `${prefix}${i}`));
  };
  diff('prevote v', own?.prevotes.bitArray, p.prevotes);
  diff('precommit v', own?.precommits.bitArray, p.precommits);
  if (p.round === rs.round) {
    if (rs.proposal && !p.proposal) out.peerLacks.unshift('proposal');
    if (!rs.proposal && p.proposal) out.nodeLacks.unshift('proposal');
    diff('part #', rs.proposalBlockParts, p.proposalBlockParts);
  }
  return out;
}
