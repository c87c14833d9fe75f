// Tendermint v0.10 canonical-JSON sign bytes and addresses (spec §13.1), for reading seed-era
// WALs and checking their signatures. Keys are alphabetical, hex is uppercase, empty BlockIDs
// and part headers drop their members, and nothing carries a timestamp.
import { ripemd160 } from '@noble/hashes/legacy.js';
import type { Bytes } from '../types.js';
import { concat, toHex, utf8 } from '../bytes.js';

export interface PartSetHeaderV010 {
  total: number;
  hash: Bytes;
}

export interface BlockIdV010 {
  hash: Bytes;
  parts: PartSetHeaderV010;
}

const hex = (b: Bytes) => JSON.stringify(toHex(b).toUpperCase());

function partsJson(p: PartSetHeaderV010): string {
  const members: string[] = [];
  if (p.hash.length > 0) members.push(`"hash":${hex(p.hash)}`);
  if (p.total !== 0) members.push(`"total":${p.total}`);
  return `{${members.join(',')}}`;
}

function blockIdJson(id: BlockIdV010): string {
  const members: string[] = [];
  if (id.hash.length > 0) members.push(`"hash":${hex(id.hash)}`);
  if (id.parts.total !== 0 || id.parts.hash.length > 0) members.push(`"parts":${partsJson(id.parts)}`);
  return `{${members.join(',')}}`;
}

export function voteSignBytesV010(chainId: string, v: { blockId: BlockIdV010; height: number; round: number; type: number }): Bytes {
  return utf8(
    `{"chain_id":${JSON.stringify(chainId)},"vote":{"block_id":${blockIdJson(v.blockId)},"height":${v.height},"round":${v.round},"type":${v.type}}}`,
  );
}

export function proposalSignBytesV010(
  chainId: string,
  p: { blockPartsHeader: PartSetHeaderV010; height: number; polBlockId: BlockIdV010; polRound: number; round: number },
): Bytes {
  return utf8(
    `{"chain_id":${JSON.stringify(chainId)},"proposal":{"block_parts_header":${partsJson(p.blockPartsHeader)},"height":${p.height},` +
      `"pol_block_id":${blockIdJson(p.polBlockId)},"pol_round":${p.polRound},"round":${p.round}}}`,
  );
}

/** v0.10 ed25519 address: RIPEMD160(key type 0x01 || go-wire bytes(pubkey)). */
export function addressV010(pubKey: Bytes): Bytes {
  return ripemd160(concat(Uint8Array.of(0x01, 0x01, pubKey.length), pubKey));
}

/** v0.10 SimpleTree hash of a one-part set: the part's RIPEMD160. */
export function singlePartHashV010(part: Bytes): Bytes {
  return ripemd160(part);
}
