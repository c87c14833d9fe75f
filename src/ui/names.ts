// Nodes on screen: the views place nodes by their index in the frame and label them by name;
// the model names them by id.
import type { Frame, NodeId } from '../observe/model.js';

export function nameOf(frame: Frame | null, id: NodeId): string {
  return frame?.nodes.find((n) => n.id === id)?.name ?? id;
}

/** id → position in `frame.nodes` (lane, circle slot, grid column of the simulator's validators). */
export function indexMap(frame: Frame | null): Map<NodeId, number> {
  return new Map((frame?.nodes ?? []).map((n, i) => [n.id, i]));
}
