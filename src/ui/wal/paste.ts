// What a paste becomes: a genesis (a pasted JSON object with a chain id or validators), or a WAL
// decoded by observe/wal-input.ts (hex, base64, or a v0.10 WAL's JSON lines), named so that the
// file list can tell pastes apart.
import { decodePasted } from '../../observe/wal-input.js';

export type Pasted = { file: { name: string; data: Uint8Array } } | { error: string };

function isGenesis(text: string): boolean {
  try {
    const j: unknown = JSON.parse(text);
    return !!j && typeof j === 'object' && !Array.isArray(j) && ('chain_id' in j || 'validators' in j || 'app_state' in j);
  } catch {
    return false; // JSON lines (a v0.10 WAL) are not one JSON value
  }
}

/** The n-th paste of this page as a file, or why it is none. */
export function pastedFile(text: string, n: number): Pasted {
  if (text.trim().startsWith('{') && isGenesis(text)) return { file: { name: `pasted-${n}.genesis.json`, data: new TextEncoder().encode(text) } };
  const d = decodePasted(text);
  return 'error' in d ? d : { file: { name: `pasted-${n}.wal`, data: d.bytes } };
}
