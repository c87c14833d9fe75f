// Validator address = first 20 bytes of SHA-256 of the 32-byte Ed25519 public key (spec §13.3).
import { ADDRESS_SIZE } from '../types.js';
import { sha256 } from './sha256.js';

export function addressFromPubKey(pubKey: Uint8Array): Uint8Array {
  return sha256(pubKey).slice(0, ADDRESS_SIZE);
}
