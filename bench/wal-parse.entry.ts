// Browser side of the bench's WAL parse figure (issue 14: the WAL debugger parses in the page's
// worker): readWal on the largest fixture — framing with CRC-32C checks and every record decoded —
// against one bare CRC-32C pass over the same bytes, the least any checked parse must do.
import { readWal } from '../src/core/wal/inspect.js';
import { crc32c } from '../src/core/wal/crc32c.js';

declare global {
  interface Window {
    benchWalParse(bytes: number[], n: number): { parseP50Ms: number; crcP50Ms: number; records: number };
  }
}

function p50(n: number, fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)];
}

window.benchWalParse = (list, n) => {
  const bytes = Uint8Array.from(list);
  const records = readWal(bytes).entries.length;
  return { parseP50Ms: p50(n, () => readWal(bytes)), crcP50Ms: p50(n, () => crc32c(bytes)), records };
};
