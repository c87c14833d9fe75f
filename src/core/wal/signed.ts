// What a WAL record's signature covers, in its file's format: CometBFT's protobuf sign bytes, or
// Tendermint v0.10's canonical JSON (spec §13.1). The readers give both formats the same typed
// records; only the bytes a signature was made over differ, and this is where that is decided.
import type { BlockID, Bytes } from '../types.js';
import { isVoteType } from '../types.js';
import { proposalSignBytes, voteSignBytes } from '../encoding/sign-bytes.js';
import type { BlockIdV010 } from '../encoding/json-v010.js';
import { proposalSignBytesV010, voteSignBytesV010 } from '../encoding/json-v010.js';
import type { ReadWalRecord } from './record.js';
import type { WalEntry } from './scan.js';

export type WalFormat = 'cometbft' | 'tendermint-v0.10';

export type SignedWalMessage =
  | { kind: 'Vote'; validatorAddress: Bytes; signBytes: Bytes; signature: Bytes }
  | { kind: 'Proposal'; signBytes: Bytes; signature: Bytes };

const v010Id = (id: BlockID): BlockIdV010 => ({ hash: id.hash, parts: id.partSetHeader });

/** The signed vote or proposal of a record (null for anything else, or a v0.10 vote of no vote type). */
export function signedWalMessage(format: WalFormat, entry: WalEntry<ReadWalRecord>, chainId: string): SignedWalMessage | null {
  const r = entry.record;
  if (r.type !== 'msgInfo') return null;
  const m = r.msg;
  if (m.kind === 'Vote') {
    const v = m.vote;
    if (format === 'cometbft') return { kind: 'Vote', validatorAddress: v.validatorAddress, signBytes: voteSignBytes(chainId, v), signature: v.signature };
    if (!isVoteType(v.type)) return null;
    const signBytes = voteSignBytesV010(chainId, { blockId: v010Id(v.blockId), height: v.height, round: v.round, type: v.type });
    return { kind: 'Vote', validatorAddress: v.validatorAddress, signBytes, signature: v.signature };
  }
  if (m.kind === 'Proposal') {
    const p = m.proposal;
    if (format === 'cometbft') return { kind: 'Proposal', signBytes: proposalSignBytes(chainId, p), signature: p.signature };
    const polBlockId = v010Id(entry.polBlockId ?? { hash: new Uint8Array(0), partSetHeader: { total: 0, hash: new Uint8Array(0) } });
    const signBytes = proposalSignBytesV010(chainId, { blockPartsHeader: p.blockId.partSetHeader, height: p.height, polBlockId, polRound: p.polRound, round: p.round });
    return { kind: 'Proposal', signBytes, signature: p.signature };
  }
  return null;
}
