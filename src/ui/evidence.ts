// Evidence as a person reads it: who equivocated, and the two votes that conflict. The Evidence
// event names the validator and the height/round/type; the two BlockIDs are found among the votes
// the nodes saw (an equivocator sends different votes to different peers, or both to one).
import type { ObsEvent } from '../observe/model.js';

export type VoteEvent = Extract<ObsEvent, { type: 'Vote' }>;
export type EvidenceEvent = Extract<ObsEvent, { type: 'Evidence' }>;

/** The distinct votes (by BlockID) of the accused validator for the evidence's height, round and type: two when both were seen. */
export function conflictingVotes(ev: EvidenceEvent, events: readonly ObsEvent[]): VoteEvent[] {
  const out: VoteEvent[] = [];
  const seen = new Set<string>();
  const addr = ev.validatorAddress.toLowerCase();
  for (const e of events) {
    if (e.type !== 'Vote') continue;
    const v = e.vote;
    if (v.validatorAddress.toLowerCase() !== addr || v.height !== ev.voteHeight || v.round !== ev.voteRound || v.type !== ev.voteType) continue;
    const key = `${v.blockId.hash}/${v.blockId.partSetHeader.hash}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
    if (out.length === 2) break;
  }
  return out;
}

/** Addresses of the validators that evidence accuses so far (the network marks their nodes). */
export function accused(events: readonly ObsEvent[]): Set<string> {
  const out = new Set<string>();
  for (const e of events) if (e.type === 'Evidence') out.add(e.validatorAddress.toLowerCase());
  return out;
}
