// Temporary directories for a test file, removed once its tests are done (a test that fails midway
// included): `npm test` leaves nothing behind in the system's temp directory.
// Test code only: it lives outside src/ so nothing in the app can import it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A maker of fresh directories named `prefix…`; call it at a file's top level. */
export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
