// CometBFT's p2p.ChannelDescriptor, for transports that multiplex a Switch's channels over real
// connections (libp2p now; the browser's later). The simulator's links need none of it.
//
// Priority, SendQueueCapacity and RecvMessageCapacity are CometBFT v1's (consensus/reactor.go
// GetChannels; mempool/reactor.go; blocksync/reactor.go). SendQueueCapacity counts messages, as
// MConnection's channel queue does: when it is full, TrySend fails and the reactor tries later.
import { DATA_CHANNEL, STATE_CHANNEL, VOTE_CHANNEL, VOTE_SET_BITS_CHANNEL } from '../core/reactor/receive.js';
import { MAX_MSG_SIZE } from '../core/types.js';

export interface ChannelDescriptor {
  id: number;
  /** Share of the connection when several channels have something to send (MConnection's sendSomePacketMsgs). */
  priority: number;
  /** Messages queued per peer before `send` returns false. */
  sendQueueCapacity: number;
  /** Largest message accepted on this channel; a bigger frame drops the peer. */
  recvMessageCapacity: number;
}

/** The consensus reactor's channels: State 0x20, Data 0x21, Vote 0x22, VoteSetBits 0x23. */
export const CONSENSUS_CHANNELS: readonly ChannelDescriptor[] = [
  { id: STATE_CHANNEL, priority: 6, sendQueueCapacity: 100, recvMessageCapacity: MAX_MSG_SIZE },
  // block parts: the most bytes, the largest share
  { id: DATA_CHANNEL, priority: 10, sendQueueCapacity: 100, recvMessageCapacity: MAX_MSG_SIZE },
  { id: VOTE_CHANNEL, priority: 7, sendQueueCapacity: 100, recvMessageCapacity: MAX_MSG_SIZE },
  // VoteSetMaj23 / VoteSetBits are a slow background check: two in flight are plenty
  { id: VOTE_SET_BITS_CHANNEL, priority: 1, sendQueueCapacity: 2, recvMessageCapacity: MAX_MSG_SIZE },
];

/**
 * Mempool 0x30 (the MempoolReactor; `prevote node` adds it) and block sync 0x40 (when it plugs in). CometBFT's mempool channel keeps
 * MConnection's default queue of 1 and accepts one Txs message holding a max_tx_bytes transaction
 * (1 MiB by default, plus a few bytes of protobuf); block sync queues 1000 and accepts one
 * BlockResponse of up to MaxBlockSizeBytes (100 MiB) plus its few bytes of prefix.
 */
export const MEMPOOL_CHANNEL: ChannelDescriptor = { id: 0x30, priority: 5, sendQueueCapacity: 1, recvMessageCapacity: MAX_MSG_SIZE + 16 };
export const BLOCKSYNC_CHANNEL: ChannelDescriptor = { id: 0x40, priority: 5, sendQueueCapacity: 1000, recvMessageCapacity: 104_857_600 + 16 };

/** CometBFT's PEX channel 0x00 (peer exchange, node/pex-reactor.ts): lowest priority, a small queue, 64 KiB messages. */
export const PEX_CHANNEL: ChannelDescriptor = { id: 0x00, priority: 1, sendQueueCapacity: 10, recvMessageCapacity: 65_536 };

/**
 * A node's channels, in the order its transport registers them: consensus first (a transport
 * admits as a peer only one that speaks its first channel and opens a stream on each), then the
 * mempool, block sync and peer exchange. `prevote node` and a browser tab carry the same list.
 */
export const NODE_CHANNELS: readonly ChannelDescriptor[] = [...CONSENSUS_CHANNELS, MEMPOOL_CHANNEL, BLOCKSYNC_CHANNEL, PEX_CHANNEL];
