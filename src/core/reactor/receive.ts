// The reactor's Receive dispatch (spec §9.8) and its disconnection rules (§9.9), pure: given a
// decoded message from a peer, update that peer's PeerState and say what to do next: forward a
// message to consensus, reply, or drop the peer with a reason. Decoding and ValidateBasic
// failures are handled by the caller (they always disconnect).
import type { ConsensusMessage } from '../encoding/messages.js';
import type { StateMessage } from '../consensus/io.js';
import { bytesEqual } from '../bytes.js';
import type { RoundState } from '../consensus/round-state.js';
import { SignedMsgType } from '../types.js';
import { BitArray } from '../bits/bit-array.js';
import type { PeerState } from './peer-state.js';

export const STATE_CHANNEL = 0x20;
export const DATA_CHANNEL = 0x21;
export const VOTE_CHANNEL = 0x22;
export const VOTE_SET_BITS_CHANNEL = 0x23;
export const CHANNELS = [STATE_CHANNEL, DATA_CHANNEL, VOTE_CHANNEL, VOTE_SET_BITS_CHANNEL] as const;

export interface ReceiveResult {
  /** Feed to the consensus state machine (peer queue). */
  forward?: StateMessage;
  /** Send back to the same peer. */
  reply?: { channel: number; msg: ConsensusMessage };
  /** A peer's +2/3 claim for the engine to record (VoteSetMaj23 at our height). */
  claim?: { height: number; round: number; type: number; blockId: import('../types.js').BlockID };
  /** Stop the peer for this reason (malformed for everyone, not merely stale for us). */
  disconnect?: string;
  /** Dropped without punishment (e.g. wrong channel for its kind: room for upgrades). */
  ignored?: string;
}

export interface ReceiveContext {
  rs: RoundState;
  initialHeight: number;
  /** While block-syncing, only State-channel messages are processed (§9.8a). */
  waitSync: boolean;
}

const KIND_CHANNEL: Record<ConsensusMessage['kind'], number> = {
  NewRoundStep: STATE_CHANNEL,
  NewValidBlock: STATE_CHANNEL,
  HasVote: STATE_CHANNEL,
  VoteSetMaj23: STATE_CHANNEL,
  HasProposalBlockPart: STATE_CHANNEL,
  Proposal: DATA_CHANNEL,
  ProposalPOL: DATA_CHANNEL,
  BlockPart: DATA_CHANNEL,
  Vote: VOTE_CHANNEL,
  VoteSetBits: VOTE_SET_BITS_CHANNEL,
};

export function channelOfKind(kind: ConsensusMessage['kind']): number {
  return KIND_CHANNEL[kind];
}

/** The result of most messages: nothing to do beyond updating the PeerState (shared: results are read only). */
const NOTHING: ReceiveResult = Object.freeze({});

export function receive(ctx: ReceiveContext, channel: number, ps: PeerState, msg: ConsensusMessage, now: number): ReceiveResult {
  if (KIND_CHANNEL[msg.kind] !== channel) return { ignored: `${msg.kind} on channel 0x${channel.toString(16)}` };
  // while block-syncing there is no RoundState yet: only what updates the PeerState is taken
  if (ctx.waitSync && (channel !== STATE_CHANNEL || msg.kind === 'VoteSetMaj23')) return { ignored: 'block-syncing' };
  const { rs } = ctx;
  switch (msg.kind) {
    case 'NewRoundStep': {
      // validateHeight (§9.9): the LastCommitRound must fit the height
      if (msg.height < ctx.initialHeight) return { disconnect: `NewRoundStep height ${msg.height} below the initial height ${ctx.initialHeight}` };
      if (msg.height === ctx.initialHeight && msg.lastCommitRound !== -1) return { disconnect: 'NewRoundStep at the initial height with a LastCommitRound' };
      if (msg.height > ctx.initialHeight && msg.lastCommitRound < 0) return { disconnect: 'NewRoundStep above the initial height without a LastCommitRound' };
      ps.applyNewRoundStepMessage(msg, now);
      return NOTHING;
    }
    case 'NewValidBlock':
      ps.applyNewValidBlockMessage(msg);
      return NOTHING;
    case 'HasVote':
      ps.applyHasVoteMessage(msg);
      return NOTHING;
    case 'HasProposalBlockPart':
      ps.applyHasProposalBlockPartMessage(msg);
      return NOTHING;
    case 'VoteSetMaj23': {
      if (msg.height !== rs.height) return NOTHING;
      // the claim itself is the engine's to record (an input on its queue); the reply is ours
      const set = msg.type === SignedMsgType.Prevote ? rs.votes.prevotes(msg.round) : rs.votes.precommits(msg.round);
      const votes = set?.bitArrayByBlockId(msg.blockId) ?? new BitArray(rs.validators.size);
      const reply = { channel: VOTE_SET_BITS_CHANNEL, msg: { kind: 'VoteSetBits' as const, height: msg.height, round: msg.round, type: msg.type, blockId: msg.blockId, votes } };
      return { reply, claim: { height: msg.height, round: msg.round, type: msg.type, blockId: msg.blockId } };
    }
    case 'Proposal':
      ps.setHasProposal(msg.proposal);
      return { forward: msg };
    case 'ProposalPOL':
      ps.applyProposalPOLMessage(msg);
      return NOTHING;
    case 'BlockPart':
      ps.setHasProposalBlockPart(msg.height, msg.round, msg.part.index);
      ps.stats.blockParts++;
      return { forward: { kind: 'BlockPart', height: msg.height, round: msg.round, part: msg.part } };
    case 'Vote':
      ps.ensureVoteBitArrays(rs.height, rs.validators.size);
      ps.ensureVoteBitArrays(rs.height - 1, rs.lastCommit?.size ?? 0);
      ps.setHasVote(msg.vote);
      ps.stats.votes++;
      // a vote we already hold never reaches the node's WAL and engine (most gossip deliveries
      // are such duplicates); CometBFT's WAL too holds only messages that reached consensus
      if (holdsVote(rs, msg.vote)) {
        ps.stats.duplicateVotes++;
        return NOTHING;
      }
      return { forward: msg };
    case 'VoteSetBits': {
      let ours: BitArray | null = null;
      if (msg.height === rs.height) {
        const set = msg.type === SignedMsgType.Prevote ? rs.votes.prevotes(msg.round) : rs.votes.precommits(msg.round);
        ours = set?.bitArrayByBlockId(msg.blockId) ?? null;
      }
      ps.applyVoteSetBitsMessage(msg, ours);
      return NOTHING;
    }
  }
}

/** Whether this exact vote (same signature) is already in our votes for its height. */
function holdsVote(rs: RoundState, vote: import('../types.js').Vote): boolean {
  const set =
    vote.height === rs.height
      ? vote.type === SignedMsgType.Prevote
        ? rs.votes.prevotes(vote.round)
        : rs.votes.precommits(vote.round)
      : vote.height + 1 === rs.height && vote.type === SignedMsgType.Precommit
        ? rs.lastCommit
        : null;
  const held = set?.getByIndex(vote.validatorIndex);
  return !!held && bytesEqual(held.signature, vote.signature);
}
