// The simulator's event-log hash: the fingerprint that says two runs were the same. Each event is
// written as a compact binary record (node, kind, position, and the fields that tell events of a
// kind apart) into a buffer that is hashed a chunk at a time, chained: printing every event as a
// line and hashing the text cost more than the consensus step that made it (issue 16).
import type { BlockID, Bytes } from '../core/types.js';
import type { ConsensusEvent } from '../core/consensus/io.js';
import { sha256 } from '../core/crypto/sha256.js';
import { toHex, utf8 } from '../core/bytes.js';

const CHUNK = 1 << 16;
/** Room for the largest fixed-size record (a NewBlock: ~100 bytes); text fields are checked apart. */
const MAX_FIXED = 256;

const KIND: Record<ConsensusEvent['type'], number> = {
  NewRoundStep: 1,
  NewRound: 2,
  ProposalAccepted: 3,
  BlockPartAdded: 4,
  CompleteProposal: 5,
  Polka: 6,
  Lock: 7,
  Relock: 8,
  ValidBlock: 9,
  Vote: 10,
  TimeoutPropose: 11,
  TimeoutWait: 12,
  NewBlock: 13,
  Evidence: 14,
  Rejected: 15,
};

export class EventLogHasher {
  private buf = new Uint8Array(CHUNK + MAX_FIXED);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  /** SHA-256 of everything hashed so far (chained: sha256(previous ‖ chunk)). */
  private chained: Bytes = new Uint8Array(32);

  add(node: number, e: ConsensusEvent): void {
    this.u16(node);
    this.u8(KIND[e.type]);
    this.view.setFloat64(this.pos, e.at);
    this.pos += 8;
    this.u32(e.height);
    this.u32(e.round);
    this.u8(e.step);
    switch (e.type) {
      case 'NewRound':
        this.bytes(e.proposer);
        break;
      case 'ProposalAccepted':
        this.u32(e.proposal.height);
        this.u32(e.proposal.round);
        this.u32(e.proposal.polRound);
        this.blockId(e.proposal.blockId);
        break;
      case 'BlockPartAdded':
        this.u32(e.partHeight);
        this.u32(e.partRound);
        this.u32(e.index);
        break;
      case 'CompleteProposal':
      case 'Lock':
      case 'Relock':
        this.blockId(e.blockId);
        break;
      case 'Polka':
        this.blockId(e.blockId);
        this.u32(e.voteRound);
        break;
      case 'ValidBlock':
        this.blockId(e.blockId);
        this.u8(e.isCommit ? 1 : 0);
        break;
      case 'Vote':
        this.u8(e.vote.type);
        this.u32(e.vote.height);
        this.u32(e.vote.round);
        this.u32(e.vote.validatorIndex);
        this.blockId(e.vote.blockId);
        break;
      case 'TimeoutWait':
        this.u8(e.waitStep);
        break;
      case 'NewBlock':
        this.blockId(e.blockId);
        this.u32(e.block.header.height);
        this.u32(e.commitRound);
        this.u32(e.block.data.txs.length);
        break;
      case 'Evidence':
        this.u32(e.evidence.voteA.validatorIndex);
        this.u32(e.evidence.voteA.height);
        this.u32(e.evidence.voteA.round);
        this.u8(e.evidence.voteA.type);
        break;
      case 'Rejected':
        this.text(`${e.what}\n${e.reason}\n${e.peerId}`);
        break;
    }
    if (this.pos >= CHUNK) this.flush();
  }

  /** The hash of the log so far, readable at any moment without changing it. */
  digest(): string {
    return toHex(this.pos ? sha256(this.concatPending()) : this.chained);
  }

  private flush(): void {
    this.chained = sha256(this.concatPending());
    this.pos = 0;
  }

  private concatPending(): Bytes {
    const out = new Uint8Array(32 + this.pos);
    out.set(this.chained);
    out.set(this.buf.subarray(0, this.pos), 32);
    return out;
  }

  private u8(v: number): void {
    this.buf[this.pos++] = v;
  }

  private u16(v: number): void {
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }

  /** Rounds and heights; a polRound of −1 wraps to 2³²−1, which is still one value. */
  private u32(v: number): void {
    this.view.setUint32(this.pos, v >>> 0);
    this.pos += 4;
  }

  private bytes(b: Bytes): void {
    this.u8(b.length);
    // a hash or an address, whole (no subarray object per field: several fields an event)
    this.buf.set(b.length <= 64 ? b : b.subarray(0, 64), this.pos);
    this.pos += Math.min(b.length, 64);
  }

  private blockId(id: BlockID): void {
    this.bytes(id.hash);
    this.u32(id.partSetHeader.total);
  }

  /** Free text (a rejection's reason): rare, so it may flush first to make room. */
  private text(s: string): void {
    const b = utf8(s);
    this.u32(b.length);
    for (let at = 0; at < b.length; ) {
      if (this.pos >= CHUNK) this.flush();
      const n = Math.min(b.length - at, CHUNK + MAX_FIXED - this.pos);
      this.buf.set(b.subarray(at, at + n), this.pos);
      this.pos += n;
      at += n;
    }
  }
}
