// The `prevote` command as a person runs it: exit codes, JSON output, and clear errors for bad flags.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', ['bin/prevote.js', ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};

describe('prevote CLI', () => {
  it('sim --json reports a run whose checkers pass, and the same seed gives the same log', async () => {
    const a = await run('sim', '--heights', '2', '--seed', '3', '--json');
    expect(a.code).toBe(0);
    const report = JSON.parse(a.stdout);
    expect(report).toMatchObject({ seed: 3, ok: true, heights: 2 });
    const b = JSON.parse((await run('sim', '--heights', '2', '--seed', '3', '--json')).stdout);
    expect(b.eventLogHash).toBe(report.eventLogHash);
  }, 60_000);

  it('a fault naming a validator that does not exist is refused with exit code 2', async () => {
    const r = await run('sim', '--fault', '{"kind":"crash","node":9}');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fault #1.node');
  }, 30_000);

  it('an unknown command prints the help and exits 2', async () => {
    const r = await run('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: prevote');
  }, 30_000);

  it('wal replay --playback applies every record of a CometBFT WAL and prints the RoundState', async () => {
    const r = await run('wal', 'replay', '../shared/fixtures/wal/cometbft/v0.37-stuck-height1.wal', '--playback');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#(\d+)\/\1 records applied\n1\/\d+\/RoundStep/);
  }, 30_000);
});

