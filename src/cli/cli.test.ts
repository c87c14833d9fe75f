// The `prevote` command as a person runs it: exit codes, JSON output, and clear errors for bad flags.
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_V010_LINE } from '../core/wal/json-v010.js';
import { readWal } from '../core/wal/inspect.js';
import { WalProjection } from '../observe/wal.js';
import { proposalsText, shortText, votesText } from './wal-replay.js';
import { main } from './cli.js';
import { runSimCommand } from './sim.js';

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

  it('a run cut short by --max-time fails liveness saying so, not that nodes took too long after a fault', async () => {
    const r = await run('sim', '--max-time', '1000', '--json');
    const { liveness } = JSON.parse(r.stdout).checks;
    expect(liveness.details[0]).toBe('n0 committed nothing within 12 rounds of the start (the run ended 1.0 s in, before those rounds)');
  }, 30_000);

  it('wal verify counts a key given twice once', async () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const r = await run('wal', 'verify', BASEAPP, '--pubkey', key, '--pubkey', key, '--chain-id', 'c');
    expect(r.stdout).toMatch(/: chain c, 1 key\(s\)/);
  }, 30_000);

  it('a fault naming a validator that does not exist is refused with exit code 2', async () => {
    const r = await run('sim', '--fault', '{"kind":"crash","node":9}');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fault #1.node');
  }, 30_000);

  it('an unknown command is one line naming the commands, and exit 2', async () => {
    const r = await run('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^prevote: unknown command 'frobnicate' \(the commands: sim, wal, node, hub, testnet;/)]);
    expect(r.stdout).toBe('');
  }, 30_000);

  it('wal replay --playback applies every record of a CometBFT WAL and prints the RoundState', async () => {
    const r = await run('wal', 'replay', '../shared/fixtures/wal/cometbft/v0.37-stuck-height1.wal', '--playback');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#(\d+)\/\1 records applied\n1\/\d+\/RoundStep/);
  }, 30_000);

  it('a bad flag is one line on stderr and exit 2, never a stack trace', async () => {
    const r = await run('sim', '--validators', 'abc');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('prevote sim: --validators must be an integer from 1 to 200, got "abc"\n');
  }, 30_000);

  it('output piped into a reader that stops early (| head -1): a quiet exit, no EPIPE trace', async () => {
    const child = spawn('node', ['bin/prevote.js', 'wal', 'export', '../shared/fixtures/wal/cometbft/v0.34-kvstore-b.wal', '--json']);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdout.destroy(); // the reader goes away, as head does after its first line
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 30_000);
});


// In-process runs (spawning tsx costs ~1 s each): main() with console.log/error captured.
const inProcess = async (...args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await main(args);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
};

const FIX = '../shared/fixtures/wal';
const BASEAPP = `${FIX}/cometbft/v1.0-baseapp.wal`;
const KVSTORE_A = `${FIX}/cometbft/v0.34-kvstore-a.wal`;
const STUCK = `${FIX}/cometbft/v0.37-stuck-height1.wal`;
const KEY = '3hIpQN+eIOf2qJKmMte0jKX26156IfkSWcGgQccPqy4=';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'prevote-cli-'));
  const gen = (name: string, doc: unknown) => writeFileSync(join(tmp, name), typeof doc === 'string' ? doc : JSON.stringify(doc));
  gen('not-json.json', '{"chain_id": "c", ');
  gen('bad-b64.json', { chain_id: 'c', validators: [{ pub_key: { type: 'tendermint/PubKeyEd25519', value: '!!!' } }] });
  gen('bad-hex.json', { chain_id: 'c', validators: [{ pub_key: { type: 'ed25519', data: 'XYZ' } }] });
  gen('messages.json', { chain_id: 'c', app_state: { genutil: { gen_txs: [{ body: { messages: 5 } }] } } });
  gen('no-keys.json', { chain_id: 'c' });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fixture copied into the temp dir (fixtures are read-only), optionally with bytes appended. */
const copy = (from: string, name: string, append?: Uint8Array) => {
  const to = join(tmp, name);
  copyFileSync(from, to);
  chmodSync(to, 0o644);
  if (append) appendFileSync(to, append);
  return to;
};

describe('prevote CLI: every problem is one line and exit 2', () => {
  const T = () => tmp;
  it.each<[string[], RegExp]>([
    [['sim', '--validators', '0'], /^prevote sim: --validators must be an integer from 1 to 200, got "0"$/],
    [['sim', '--validators', '-1'], /^prevote sim: --validators must be an integer from 1 to 200, got "-1"$/],
    [['sim', '--validators', 'abc'], /^prevote sim: --validators must be .* got "abc"$/],
    [['sim', '--validators', '2.5'], /^prevote sim: --validators must be .* got "2.5"$/],
    [['sim', '--validators', '201'], /^prevote sim: --validators must be an integer from 1 to 200/],
    [['sim', '--heights', '0'], /^prevote sim: --heights must be an integer from 1 to 100000, got "0"$/],
    [['sim', '--heights', '1.5'], /^prevote sim: --heights must be .* got "1.5"$/],
    [['sim', '--heights', '1e6'], /^prevote sim: --heights must be .* got "1e6"$/],
    [['sim', '--seed', 'abc'], /^prevote sim: --seed must be an integer from 0 to 4294967295, got "abc"$/],
    [['sim', '--delay', 'x'], /^prevote sim: --delay must be a delay in ms from 0 to 60000, got "x"$/],
    [['sim', '--delay', '50,10'], /^prevote sim: --delay 50,10: MIN \(50\) is above MAX \(10\)/],
    [['sim', '--delay', '1,2,3'], /^prevote sim: --delay must be MIN,MAX in ms/],
    [['sim', '--gossip-sleep', '0'], /^prevote sim: --gossip-sleep must be a time in ms from 1 to 10000, got "0"$/],
    [['sim', '--drop', '2'], /^prevote sim: --drop must be a rate from 0 to 1, got "2"$/],
    [['sim', '--txs', '0.5'], /^prevote sim: --txs must be an integer from 0 to 10000, got "0.5"$/],
    [['sim', '--txs', '1e7'], /^prevote sim: --txs must be an integer from 0 to 10000, got "1e7"$/],
    [['sim', '--timeout-commit', '1e7'], /^prevote sim: --timeout-commit must be a time in ms from 0 to 60000, got "1e7"$/],
    [['testnet', '--load', '10001'], /^prevote testnet: --load must be a rate in txs per second from 0 to 10000, got "10001"$/],
    [['testnet', '--load', '1.5'], /^prevote testnet: --load must be a rate in txs per second from 0 to 10000, got "1.5"$/],
    [['testnet', '--home', 'TMP/tn', '--dist', 'TMP/no-app'], /^prevote testnet: --dist .*no-app: no index.html there \(give the directory 'npm run build' writes, dist\/\)$/],
    [['hub', '--home', 'TMP/none', '--dist', 'TMP/no-app'], /^prevote hub: --dist .*no-app: no index.html there/],
    [['node', '--home', 'TMP/none', '--load', '-5'], /^prevote node: --load must be a rate in txs per second from 0 to 10000, got "-5"$/],
    [['sim', '--bogus'], /^prevote sim: unknown option --bogus \(see prevote sim --help\)$/],
    [['sim', '--validators'], /^prevote sim: --validators needs a value/],
    [['sim', '--fault', '{x'], /^prevote sim: --fault #1: not JSON \(/],
    [['sim', '--fault', '{"kind":"crash","node":1,"at":{"height":2,"round":-1}}'], /^prevote sim: --fault #1\.at\.round: /],
    [['sim', '--fault', '{"kind":"crash","node":1,"at":{"height":2,"round":"x"}}'], /^prevote sim: --fault #1\.at\.round: /],
    [['sim', '--fault', '{"kind":"partition","groups":[[0,1],[1,2,3]]}'], /^prevote sim: --fault #1\.groups\[1\]: validator 1 is also in group 0$/],
    [['sim', '--fault', '{"kind":"partition","groups":[[0,0],[1]]}'], /^prevote sim: --fault #1\.groups\[0\]: validator 0 is listed twice$/],
    [['wal', 'inspect', BASEAPP, '--bogus'], /^prevote wal inspect: unknown option --bogus \(see prevote wal --help\)$/],
    [['wal', 'export', BASEAPP, '--genesis', 'g.json'], /^prevote wal export: unknown option --genesis/],
    [['wal', 'repair', BASEAPP, '--validators', '4'], /^prevote wal repair: unknown option --validators/],
    [['wal', 'frobnicate', BASEAPP], /^prevote wal: unknown subcommand 'frobnicate'/],
    [['wal', 'inspect', '/nonexistent/wal'], /^prevote wal inspect: \/nonexistent\/wal: cannot read \(ENOENT: no such file or directory\)$/],
    [['wal', 'export', BASEAPP, STUCK], /^prevote wal export: one FILE only, got 2/],
    [['wal', 'replay', BASEAPP, '--validators', 'abc'], /^prevote wal replay: --validators must be an integer from 1 to 10000, got "abc"$/],
    [['wal', 'replay', BASEAPP, '--validators', '1e8'], /^prevote wal replay: --validators must be .* got "1e8"$/],
    [['wal', 'replay', BASEAPP, '--validators', '2.5'], /^prevote wal replay: --validators must be .* got "2.5"$/],
    [['wal', 'verify', BASEAPP, '--pubkey', '!!!'], /^prevote wal verify: --pubkey "!!!": not base64 \(invalid base64 character "!"\)$/],
    [['wal', 'verify', BASEAPP, '--pubkey', 'AAAA', '--chain-id', 'c'], /^prevote wal verify: --pubkey "AAAA": an Ed25519 public key has 32 bytes, this one 3$/],
    [['wal', 'verify', BASEAPP, '--genesis', '/nonexistent/g.json'], /^prevote wal verify: --genesis \/nonexistent\/g.json: cannot read \(ENOENT/],
    [['wal', 'verify', BASEAPP, '--genesis', BASEAPP], /^prevote wal verify: --genesis .*v1.0-baseapp.wal: not JSON \(/],
    [['wal', 'verify', BASEAPP, '--genesis', 'TMP/not-json.json'], /^prevote wal verify: --genesis .*not-json.json: not JSON \(/],
    [['wal', 'verify', BASEAPP, '--genesis', 'TMP/bad-b64.json'], /^prevote wal verify: --genesis .*bad-b64.json: validators\[0\]\.pub_key\.value: not base64/],
    [['wal', 'verify', BASEAPP, '--genesis', 'TMP/bad-hex.json'], /^prevote wal verify: --genesis .*bad-hex.json: validators\[0\]\.pub_key\.data: not hex/],
    [['wal', 'verify', BASEAPP, '--genesis', 'TMP/messages.json'], /^prevote wal verify: --genesis .*messages.json: app_state\.genutil\.gen_txs\[0\]\.body\.messages: expected a list/],
    [['wal', 'verify', BASEAPP, '--genesis', 'TMP/no-keys.json'], /^prevote wal verify: --genesis .*no-keys.json: no Ed25519 validator keys/],
    [['testnet', '--home', 'TMP/not-json.json'], /^prevote testnet: --home .*not-json.json is a file, not a directory$/],
    [['sim', '--topology', 'weird'], /^prevote sim: .*direct/],
    [['sim', '--json', '--events'], /^prevote sim: --json prints one JSON document: not with --events, which print lines$/],
    [['sim', '--validators', '1', '--timeout-commit', '0'], /^prevote sim: --timeout-commit: at least 1 ms with one validator/],
  ])('%j', async (args, message) => {
    const r = await inProcess(...args.map((a) => a.replace('TMP', T())));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });
});

describe('prevote wal on damaged files', () => {
  it('export, verify and replay say on stderr where the file is damaged and exit 1', async () => {
    const f = copy(BASEAPP, 'damaged.wal', new TextEncoder().encode('garbage'));
    const where = /CORRUPT at record #14, .*damaged\.wal byte 1448: truncated header: 7 of 8 bytes/;
    for (const args of [['export', f, '--json'], ['verify', f, '--pubkey', KEY, '--chain-id', 'c'], ['replay', f, '--playback']]) {
      const r = await inProcess('wal', ...args);
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr, args[0]).toMatch(new RegExp(`^prevote wal ${args[0]}: ${where.source}`));
      expect(r.stderr.split('\n')).toHaveLength(1);
    }
  });

  it('a rotated group with a file lost says what is missing; repair refuses to cut a file newer ones follow', async () => {
    // beradevnet's WAL split at record boundaries into wal.000, wal.001, wal.002 and wal
    const bytes = new Uint8Array(readFileSync(`${FIX}/cometbft/v0.34-beradevnet.wal`));
    const cuts = [0.25, 0.5, 0.75].map((q) => readWal(bytes).entries[Math.floor(readWal(bytes).entries.length * q)].offset);
    const dir = join(tmp, 'group');
    mkdirSync(dir);
    ['wal.000', 'wal.001', 'wal.002', 'wal'].forEach((name, i) => writeFileSync(join(dir, name), bytes.subarray([0, ...cuts][i], [...cuts, bytes.length][i])));
    expect((await inProcess('wal', 'inspect', dir)).stdout).not.toMatch(/MISSING/);
    rmSync(join(dir, 'wal.001'));
    const r = await inProcess('wal', 'inspect', dir);
    expect(r.stdout).toMatch(/^ {2}MISSING: EndHeight \d+ follows \d+: the records of heights \d+–\d+ are not here/m);
    expect(r.stdout).toMatch(/^ {2}MISSING from the group: wal\.001$/m);
    // damage in wal.000: cutting it would leave a hole before wal.002
    const first = readFileSync(join(dir, 'wal.000'));
    first[1000] ^= 0xff;
    writeFileSync(join(dir, 'wal.000'), first);
    const refused = await inProcess('wal', 'repair', join(dir, 'wal.000'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/wal\.000: .*wal\.002 follows it in its group: cutting this file would leave a hole in the middle of the WAL; nothing changed/);
    expect(readFileSync(join(dir, 'wal.000'))).toEqual(first);
  });

  it('repair never overwrites a backup: the second repair writes FILE.CORRUPTED.1', async () => {
    const f = copy(BASEAPP, 'twice.wal', new TextEncoder().encode('first damage'));
    const first = new Uint8Array(readFileSync(f));
    const a = await inProcess('wal', 'repair', f);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain(`the original is in ${f}.CORRUPTED`);
    expect(statSync(f).size).toBe(1448);
    appendFileSync(f, 'second damage!');
    const b = await inProcess('wal', 'repair', f);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain(`the original is in ${f}.CORRUPTED.1`);
    expect(new Uint8Array(readFileSync(`${f}.CORRUPTED`))).toEqual(first);
    expect(readFileSync(`${f}.CORRUPTED.1`).subarray(1448).toString()).toBe('second damage!');
    expect(statSync(f).size).toBe(1448);
  });

  it('repair says how many records it kept and how many bytes after the damage it drops', async () => {
    const f = copy(BASEAPP, 'tail.wal', new Uint8Array(100).fill(7));
    const r = await inProcess('wal', 'repair', f);
    expect(r.stdout).toBe(
      `${f}: kept 14 records (1448 bytes); dropping 100 bytes after the damage at record #14, byte 1448 (record length 117901063 exceeds the maximum 1048600); the original is in ${f}.CORRUPTED`,
    );
  });

  it('repair refuses a file in which no record can be read (package.json), unless --force', async () => {
    const f = copy('package.json', 'package.json');
    const before = readFileSync(f);
    const r = await inProcess('wal', 'repair', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^prevote wal repair: .*package\.json: not one record can be read \(line 1: .*\): is it a WAL\? Nothing changed; --force truncates it/);
    expect(readFileSync(f)).toEqual(before);
    expect(existsSync(`${f}.CORRUPTED`)).toBe(false);
    const forced = await inProcess('wal', 'repair', f, '--force');
    expect(forced.code).toBe(0);
    expect(statSync(f).size).toBe(0);
    expect(readFileSync(`${f}.CORRUPTED`)).toEqual(before);
  });

  it('a v0.10 line longer than the limit is damage at its record and offset; repair keeps what precedes it', async () => {
    const f = copy(`${FIX}/tendermint-v0.10/small_block1.cswal`, 'long.cswal', new Uint8Array(MAX_V010_LINE + 1).fill(0x41));
    const r = await inProcess('wal', 'inspect', f);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/CORRUPT at record #10, .*long\.cswal byte 8054: line \d+: longer than \d+ bytes \(no newline\); the first 8054 bytes are readable/);
    const fixed = await inProcess('wal', 'repair', f);
    expect(fixed.stdout).toContain(`kept 10 records (8054 bytes); dropping ${MAX_V010_LINE + 1} bytes`);
  });
});

describe('prevote sim progress', () => {
  it('prints a progress line to stderr every ~2 s of wall time; on a terminal it rewrites one line and clears it', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      for (const isTTY of [false, true]) {
        let t = 0;
        const writes: string[] = [];
        const code = await runSimCommand(['--heights', '2'], { now: () => (t += 250), stderr: { isTTY, write: (s) => writes.push(s) } });
        expect(code).toBe(0);
        expect(writes.length).toBeGreaterThan(1);
        if (!isTTY) for (const w of writes) expect(w).toMatch(/^… height [0-2]\/2, \d+\.\d s \(\d+\.\d s virtual\)\n$/);
        else {
          expect(writes[0]).toMatch(/^\r… height [0-2]\/2, .*\x1b\[K$/);
          expect(writes.at(-1)).toBe('\r\x1b[K');
        }
      }
    } finally {
      log.mockRestore();
    }
  });
});

describe('prevote wal replay: the console, typed into', () => {
  /** The console's answers to `lines` typed on its standard input (not a terminal). */
  const typed = (file: string, lines: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      const child = spawn('node', ['bin/prevote.js', 'wal', 'replay', file], { stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('close', () => resolve(out.trimEnd().split('\n')));
      child.stdin.end(lines.map((l) => `${l}\n`).join(''));
    });

  it('moves on good commands; a mistyped one is named in one line and moves nothing', async () => {
    const out = await typed(KVSTORE_A, ['next 5', 'next -1', 'next abc', 'back 0', 'n', 'frobnicate', 'rs everything', 'next 2 3', 'n 3', 'help', 'back 2', 'n', 'quit', 'next']);
    expect(out).toEqual([
      '3540 records. Commands: next [N], back [N], rs [short|votes|proposal], n, help, quit',
      expect.stringMatching(/^#5\/3540 block part 1\/0 #0/),
      "next: N must be a whole number of records from 1, got '-1'",
      "next: N must be a whole number of records from 1, got 'abc'",
      "back: N must be a whole number of records from 1, got '0'",
      '5',
      "unknown command 'frobnicate'; commands: next [N], back [N], rs [short|votes|proposal], n, help, quit",
      "rs: show short, votes or proposal (or all, without an argument), got 'everything'",
      "next: one argument at most, got '2 3'",
      "n takes no argument, got '3'",
      'commands: next [N], back [N], rs [short|votes|proposal], n, help, quit',
      expect.stringMatching(/^#3\/3540 /),
      '3',
    ]);
  }, 30_000);
});

describe('prevote wal replay: formatting the replay model', () => {
  const load = (p: string) => readWal(new Uint8Array(readFileSync(p)));
  it('prints the step, proposals and vote bit-arrays as the seed’s console did', () => {
    const p = new WalProjection(load(STUCK), { node: 'stuck' });
    expect(shortText(p.view())).toBe('0/0/-');
    p.replay.next(20);
    expect(shortText(p.view())).toBe('1/1/RoundStepPropose');
    expect(votesText(p.view())).toContain('R0 Precommits BA{1:x} nil:BA{1:x}');
    p.replay.back(5);
    expect(shortText(p.view())).toBe('1/0/RoundStepPrecommit');
    const v010 = new WalProjection(load(`${FIX}/tendermint-v0.10/small_block1.cswal`), { node: 'small_block1' });
    v010.replay.next(v010.total);
    expect(proposalsText(v010.view())).toBe('  R0 proposal 1/0 pol -1 (own)');
    expect(votesText(v010.view())).toContain('R0 Prevotes BA{1:x} FC7032C1A475:BA{1:x}');
  });

  it('a validator index near 2^31 is reported on one line, not drawn', () => {
    const file = load(STUCK);
    const e = file.entries.find((x) => x.record.type === 'msgInfo' && x.record.msg.kind === 'Vote')!;
    if (e.record.type === 'msgInfo' && e.record.msg.kind === 'Vote') e.record.msg.vote.validatorIndex = 2 ** 31 - 1;
    const p = new WalProjection(file, { node: 'stuck' });
    p.replay.seek(e.index + 1);
    const text = votesText(p.view());
    expect(text.length).toBeLessThan(10_000);
    expect(text).toContain(`1 vote(s) with a validator index beyond the bit-arrays, not drawn: ${2 ** 31 - 1}`);
  });
});
