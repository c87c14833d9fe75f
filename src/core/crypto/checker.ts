// How the pure core asks "is this signature valid?" synchronously.
//
// Verification is async on the fast paths (WebCrypto), so the driver verifies a message before it
// reaches the core and remembers the verdict; the checker the core receives answers from that
// memory and falls back to a synchronous @noble/ed25519 (ZIP-215) check for anything it has not
// seen (e.g. during WAL replay). Either way the verdict is the ZIP-215 one (spec notes/performance).
import type { Bytes, Proposal, Vote } from '../types.js';

export interface SignatureChecker {
  verifyVote(chainId: string, vote: Vote, pubKey: Bytes): boolean;
  verifyProposal(chainId: string, proposal: Proposal, pubKey: Bytes): boolean;
}
