// What a person hands the WAL debugger, as bytes: files dropped together (a CometBFT WAL group —
// `wal`, `wal.000`, `wal.001`, … — is one WAL, oldest chunk first, the head `wal` last) or text
// pasted from a clipboard (base64 or hex of a WAL, or a v0.10 WAL's JSON lines as they are).
// Nothing here throws: a name or text it cannot place comes back as an explained refusal.
import { concat, fromBase64, fromHex } from '../core/bytes.js';

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

export interface WalInput {
  /** one per WAL: a group's chunks joined in order */
  wals: NamedBytes[];
  /** files that are not WALs by name and look like JSON: genesis candidates */
  genesis: NamedBytes[];
}

/** CometBFT's autofile group: `<head>.NNN` chunks (000 oldest) beside the head file `<head>`. */
const CHUNK = /^(.*)\.(\d{3,})$/;

/** Groups dropped files: chunks of one head join it (oldest first); a `*.json` file that parses is a genesis. */
export function groupDropped(files: NamedBytes[]): WalInput {
  const genesis: NamedBytes[] = [];
  const groups = new Map<string, { chunks: { n: number; bytes: Uint8Array }[]; head: Uint8Array | null }>();
  for (const f of files) {
    if (/\.json$/i.test(f.name) && looksLikeJsonObject(f.bytes)) {
      genesis.push(f);
      continue;
    }
    const m = CHUNK.exec(f.name);
    const key = m ? m[1] : f.name;
    const g = groups.get(key) ?? { chunks: [], head: null };
    if (m) g.chunks.push({ n: Number(m[2]), bytes: f.bytes });
    else g.head = f.bytes;
    groups.set(key, g);
  }
  const wals = [...groups].map(([name, g]) => ({
    name: g.chunks.length ? `${name} (${g.chunks.length + (g.head ? 1 : 0)} files)` : name,
    bytes: concat(...g.chunks.sort((a, b) => a.n - b.n).map((c) => c.bytes), ...(g.head ? [g.head] : [])),
  }));
  return { wals, genesis };
}

function looksLikeJsonObject(b: Uint8Array): boolean {
  const head = new TextDecoder().decode(b.subarray(0, 64)).trimStart();
  return head.startsWith('{');
}

/**
 * Pasted text as WAL bytes: JSON lines (a v0.10 WAL) stay text; otherwise hex (whitespace and an
 * optional 0x allowed) or base64 (standard or URL alphabet). An error says which it was not.
 */
export function decodePasted(text: string): { bytes: Uint8Array } | { error: string } {
  const t = text.trim();
  if (t.length === 0) return { error: 'nothing was pasted' };
  if (t.startsWith('{') || t.startsWith('#ENDHEIGHT')) return { bytes: new TextEncoder().encode(text) };
  const compact = t.replace(/\s+/g, '');
  const hex = compact.replace(/^0x/i, '');
  if (/^[0-9a-fA-F]+$/.test(hex)) {
    if (hex.length % 2) return { error: `the hex text has an odd number of digits (${hex.length})` };
    return { bytes: fromHex(hex.toLowerCase()) };
  }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) {
    try {
      return { bytes: fromBase64(compact.replace(/-/g, '+').replace(/_/g, '/')) };
    } catch (e) {
      return { error: `the text is not valid base64: ${(e as Error).message}` };
    }
  }
  return { error: 'the pasted text is neither a WAL’s JSON lines, hex nor base64' };
}
