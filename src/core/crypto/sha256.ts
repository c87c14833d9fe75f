// SHA-256, the only hash of CometBFT v1 consensus data (spec §8.2, §13.3).
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}
