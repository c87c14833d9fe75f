// The projector: the one place that turns what a node exposes into the observation model. It
// reads only copies and public state — `getRoundState()` (a plain-data snapshot),
// `getRoundStateSimple()` (cheap, every node every frame), a reactor's `peerStates()` (each
// `ps.prs` copied field by field) and the engine's events — never the engine's live RoundState.
import type { BlockID, Bytes, Vote } from '../core/types.js';
import { roundStepName } from '../core/types.js';
import type { ConsensusEvent } from '../core/consensus/io.js';
import type { PeerRoundState } from '../core/reactor/peer-state.js';
import type { BitArray } from '../core/bits/bit-array.js';
import { snapshotBits, snapshotBlockId } from '../core/consensus/snapshot.js';
import type { BlockIdHex, RoundStateSimple, RoundStateSnapshot } from '../core/consensus/snapshot.js';
import { toHex } from '../core/bytes.js';
import type { NodeId, NodeSummary, ObsEvent, PeerRoundStateView, RoundStateView, StepName } from './model.js';

/** What a node exposes to observers (ConsensusNode has these). */
export interface ObservableNode {
  getRoundState(): RoundStateSnapshot;
  getRoundStateSimple(): RoundStateSimple;
}

/** What a reactor exposes: its PeerStates by peer id. */
export interface ObservableReactor {
  peerStates(): Map<string, { prs: PeerRoundState }>;
}

export const stepName = (step: number): StepName => roundStepName(step) as StepName;

/**
 * Hex of the ids events share (every vote for a block names it, every event of a node its
 * address), one string each: a classroom keeps every event of its history, and hex made per event
 * (a chain of 32 string pieces for a hash, about 1 KB) was most of its memory, 11 MB a minute of
 * 4 validators.
 */
const sharedHex = (() => {
  const known = new Map<string, string>();
  return (b: Uint8Array): string => {
    const h = toHex(b);
    const seen = known.get(h); // hashing it makes it one flat string
    if (seen !== undefined) return seen;
    if (known.size >= 10_000) known.clear();
    known.set(h, h);
    return h;
  };
})();

const blockIdView = (id: BlockID): BlockIdHex => ({ hash: sharedHex(id.hash), partSetHeader: { total: id.partSetHeader.total, hash: sharedHex(id.partSetHeader.hash) } });

type VoteView = Extract<ObsEvent, { type: 'Vote' }>['vote'];
/**
 * A vote's view, one per vote object: in the simulator every node that adds a vote shares the
 * decoded object, so at 100 validators its 100 Vote events share one view (values: never changed).
 */
const voteViews = new WeakMap<Vote, VoteView>();

function voteView(v: Vote): VoteView {
  let view = voteViews.get(v);
  if (!view) voteViews.set(v, (view = { type: voteKind(v.type), height: v.height, round: v.round, validatorIndex: v.validatorIndex, validatorAddress: sharedHex(v.validatorAddress), blockId: blockIdView(v.blockId) }));
  return view;
}

/**
 * Every event is one literal with all its fields, not a spread of common ones: a classroom keeps
 * its whole history (at 100 validators ~10,000 events a simulated second), and a spread object
 * takes twice the heap of a literal (547 bytes a Vote event against 256; 104 with a shared view).
 */
export function projectEvent(node: NodeId, e: ConsensusEvent): ObsEvent {
  const time = e.at, height = e.height, round = e.round, step = stepName(e.step);
  switch (e.type) {
    case 'NewRoundStep':
    case 'TimeoutPropose':
      return { node, time, height, round, step, type: e.type };
    case 'NewRound':
      return { node, time, height, round, step, type: e.type, proposer: sharedHex(e.proposer) };
    case 'ProposalAccepted': {
      const p = e.proposal;
      return { node, time, height, round, step, type: e.type, proposal: { height: p.height, round: p.round, polRound: p.polRound, blockId: blockIdView(p.blockId) } };
    }
    case 'BlockPartAdded':
      return { node, time, height, round, step, type: e.type, partHeight: e.partHeight, partRound: e.partRound, index: e.index };
    case 'CompleteProposal':
    case 'Lock':
    case 'Relock':
      return { node, time, height, round, step, type: e.type, blockId: blockIdView(e.blockId) };
    case 'Polka':
      return { node, time, height, round, step, type: e.type, blockId: blockIdView(e.blockId), voteRound: e.voteRound };
    case 'ValidBlock':
      return { node, time, height, round, step, type: e.type, blockId: blockIdView(e.blockId), isCommit: e.isCommit };
    case 'Vote':
      return { node, time, height, round, step, type: e.type, vote: voteView(e.vote) };
    case 'TimeoutWait':
      return { node, time, height, round, step, type: e.type, waitStep: stepName(e.waitStep) };
    case 'NewBlock':
      return { node, time, height, round, step, type: e.type, blockId: blockIdView(e.blockId), blockHeight: e.block.header.height, commitRound: e.commitRound, txs: e.block.data.txs.length };
    case 'Evidence': {
      const v = e.evidence.voteA;
      return { node, time, height, round, step, type: e.type, validatorIndex: v.validatorIndex, validatorAddress: sharedHex(v.validatorAddress), voteHeight: v.height, voteRound: v.round, voteType: voteKind(v.type) };
    }
    case 'Rejected':
      return { node, time, height, round, step, type: e.type, what: e.what, reason: e.reason, peer: e.peerId };
  }
}

const voteKind = (t: number) => (t === 1 ? 'prevote' : 'precommit') as 'prevote' | 'precommit';

/** The node's own description, for the parts a node cannot say about itself. */
export interface NodeFacts {
  id: NodeId;
  index: number;
  name: string;
  /** the last height it committed (from its block store) */
  committed: number;
  faults?: string[];
  /** the id of the node with this validator address, if it is observed */
  idOfAddress: (address: Bytes) => NodeId | null;
  /** its validator address, when the source knows it */
  address?: Bytes;
}

/** One node at a glance; `node` null when it is down. */
export function projectNode(node: ObservableNode | null, f: NodeFacts): NodeSummary {
  const rs = node?.getRoundStateSimple();
  return {
    id: f.id,
    index: f.index,
    name: f.name,
    ...(f.address ? { address: toHex(f.address) } : {}),
    up: !!rs,
    height: rs?.height ?? f.committed + 1,
    round: rs?.round ?? 0,
    step: rs ? stepName(rs.step) : 'down',
    committed: f.committed,
    lockedRound: rs?.lockedRound ?? -1,
    lockedBlock: rs?.lockedBlockId ? snapshotBlockId(rs.lockedBlockId) : null,
    proposer: rs?.proposer ? f.idOfAddress(rs.proposer) : null,
    faults: [...(f.faults ?? [])],
    votingPower: (rs?.votingPower ?? 0n).toString(),
  };
}

/** The RoundState with its HeightVoteSet, as the node copies it (already plain data). */
export function projectRoundState(node: ObservableNode | null): RoundStateView | null {
  return node ? node.getRoundState() : null;
}

const bits = (ba: BitArray | null): PeerRoundStateView['prevotes'] => (ba ? snapshotBits(ba) : null);

/** What the node knows of each peer, sorted by `order` (default: by peer id). */
export function projectPeers(reactor: ObservableReactor | null, order: (id: NodeId) => number = () => 0): PeerRoundStateView[] {
  const out: PeerRoundStateView[] = [];
  for (const [peer, ps] of reactor?.peerStates() ?? []) {
    const p = ps.prs;
    out.push({
      peer,
      height: p.height,
      round: p.round,
      step: p.step ? stepName(p.step) : null,
      startTime: p.startTime,
      proposal: p.proposal,
      proposalBlockParts: bits(p.proposalBlockParts),
      proposalPOLRound: p.proposalPOLRound,
      proposalPOL: bits(p.proposalPOL),
      prevotes: bits(p.prevotes),
      precommits: bits(p.precommits),
      lastCommitRound: p.lastCommitRound,
      lastCommit: bits(p.lastCommit),
      catchupCommitRound: p.catchupCommitRound,
      catchupCommit: bits(p.catchupCommit),
    });
  }
  return out.sort((a, b) => order(a.peer) - order(b.peer) || (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
}
