// Test helpers for `prevote` commands as real OS processes on 127.0.0.1 (testnet, hub, block
// sync tests): spawn one and collect its lines, wait for a condition with the last output in the
// failure, read committed heights and peers from the lines, find a block of free ports.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const BIN = fileURLToPath(new URL('../../bin/prevote.js', import.meta.url));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Proc {
  child: ChildProcess;
  /** stdout lines, and stderr lines prefixed `stderr: ` */
  lines: string[];
  exit: Promise<{ code: number | null; signal: string | null }>;
}

export function prevote(args: string[]): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => lines.push(`stderr: ${l}`));
  const exit = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, lines, exit };
}

export async function until(what: string, ok: () => boolean, ms: number, p?: Proc): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${p ? `; last output:\n${p.lines.slice(-20).join('\n')}` : ''}`);
    await sleep(50);
  }
}

/** Highest committed height per process name (`nodeI: `, `hub: `; 'self' for unprefixed lines). */
export function heights(lines: string[]): Map<string, number> {
  const top = new Map<string, number>();
  for (const l of lines) {
    const m = /^(?:(node\d+|hub): )?height (\d+) committed/.exec(l);
    if (m) top.set(m[1] ?? 'self', Math.max(top.get(m[1] ?? 'self') ?? 0, Number(m[2])));
  }
  return top;
}

export const minHeight = (lines: string[], who: string[]) => Math.min(...who.map((n) => heights(lines).get(n) ?? 0));

/** The peers a process is connected to now, from its `peer X connected` / `peer X gone` lines. */
export function peersOf(lines: string[], name: string): Set<string> {
  const now = new Set<string>();
  for (const l of lines) {
    const m = new RegExp(`^${name}: peer (\\S+) (connected|gone)`).exec(l);
    if (m) m[2] === 'connected' ? now.add(m[1]) : now.delete(m[1]);
  }
  return now;
}

/** `count` consecutive free ports from a random base in 30000..50000. */
export async function freePorts(count: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((r) => {
      const s = createServer();
      s.once('error', () => r(false));
      s.listen({ host: '127.0.0.1', port }, () => s.close(() => r(true)));
    });
  for (;;) {
    const base = 30000 + Math.floor(Math.random() * 20000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
}

const LOCK = join(tmpdir(), 'prevote-testnet-tests.lock');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * One testnet test file at a time: each runs five or six node processes, and two at once on a
 * 2-core machine starve each other's consensus into timeouts. Test files run in parallel workers,
 * so this is a lock directory holding the owner's pid (a dead owner's lock is taken over).
 * Call in beforeAll (with a long enough timeout); the returned function releases it.
 */
export async function exclusiveTestnet(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = 0;
      try {
        owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
      } catch {
        // being written or removed: look again
      }
      if (owner && !alive(owner)) rmSync(LOCK, { recursive: true, force: true });
      await sleep(250);
    }
  }
}