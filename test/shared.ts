// Test access to ../shared (spec vectors, fixtures), which sits beside the project root.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));

export function readShared(path: string): Buffer {
  return readFileSync(SHARED + path);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const vectors: any = JSON.parse(readShared('spec/vectors.json').toString('utf8'));

export const zip215: { cases: { pubkey: string; msg: string; sig: string; zip215_valid: boolean; webcrypto_accepts: boolean }[] } = JSON.parse(
  readShared('spec/zip215-vectors.json').toString('utf8'),
);
