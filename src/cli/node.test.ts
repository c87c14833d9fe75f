// `prevote node` and `prevote testnet` refusing what they cannot run: each problem is one line on
// stderr and exit status 2, and the home directory is left exactly as it was.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { publicKeyFromSeed } from '../core/crypto/ed25519.js';
import { genesisState, parseGenesis } from '../core/state/genesis.js';
import { LevelStateStore, readStoredState } from '../platform/node/level-stores.js';
import { chainStateToJson } from '../core/state/chain-state-json.js';
import { genesisJson, homePaths, newSeed, nodeKeyJson, parsePrivKeyFile, privValidatorKeyJson } from './home.js';
import { prevote, until } from './processes.test-util.js';

const BIN = fileURLToPath(new URL('../../bin/prevote.js', import.meta.url));

const run = (...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });

/** Every file under dir with its bytes: what "nothing on disk changed" compares. */
/**
 * Every file's bytes, except inside LevelDB directories (*.db): opening one to read the stored
 * chain id lets LevelDB rewrite its own log and manifest; their contents are compared by reading.
 */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (e.endsWith('.db')) out[`${p}/`] = 'leveldb';
      else if (statSync(p).isDirectory()) {
        out[`${p}/`] = '';
        walk(p);
      } else out[p] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

/** A validator's home for chain `chainId` (genesis, node key, validator key). */
function makeHome(root: string, name: string, chainId = 'prevote-test'): string {
  const home = join(root, name);
  const p = homePaths(home);
  mkdirSync(p.config, { recursive: true });
  const seed = newSeed();
  writeFileSync(p.genesis, genesisJson(chainId, [{ pubKey: publicKeyFromSeed(seed), name: 'v0' }], Date.now()));
  writeFileSync(p.nodeKey, nodeKeyJson(newSeed()));
  writeFileSync(p.privValidatorKey, privValidatorKeyJson(seed));
  return home;
}

const listen = (port = 0) =>
  new Promise<Server>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port }, () => resolve(s));
  });

describe('prevote node: refusals are one line, exit 2, nothing changed on disk', () => {
  const root = mkdtempSync(join(tmpdir(), 'prevote-node-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('key files round-trip in CometBFT JSON', () => {
    const seed = newSeed();
    expect(parsePrivKeyFile('k', privValidatorKeyJson(seed))).toEqual(seed);
    expect(parsePrivKeyFile('k', nodeKeyJson(seed))).toEqual(seed);
    expect(() => parsePrivKeyFile('k', '{"priv_key":{"type":"tendermint/PrivKeyEd25519","value":"AAAA"}}')).toThrow(/64 bytes/);
  });

  it('a validator key the chain\'s set does not hold makes a full node, and it says so', async () => {
    const home = makeHome(root, 'outsider');
    writeFileSync(homePaths(home).privValidatorKey, privValidatorKeyJson(newSeed())); // not the genesis validator's
    const p = prevote(['node', '--home', home, '--port', '0']);
    try {
      await until('its first line', () => p.lines.some((l) => l.startsWith('chain ')), 20_000, p);
      expect(p.lines.find((l) => l.startsWith('chain '))).toMatch(/^chain prevote-test, full node, key not in the validator set: [0-9A-F]{40}, from height 1$/);
    } finally {
      p.child.kill('SIGINT');
      await p.exit;
    }
  }, 30_000);

  it('bad homes, a port in use and bad flags', async () => {
    const missing = join(root, 'empty');
    mkdirSync(missing);
    const garbage = makeHome(root, 'garbage');
    writeFileSync(homePaths(garbage).genesis, '{"chain_id": "x", "validators": [');
    const other = makeHome(root, 'other', 'chain-b');
    const stateOfA = genesisState(parseGenesis(genesisJson('chain-a', [{ pubKey: publicKeyFromSeed(newSeed()), name: 'a' }], Date.now())));
    const states = await LevelStateStore.open(homePaths(other).data);
    await states.save(stateOfA, { txResults: [], validatorUpdates: [], appHash: stateOfA.appHash });
    await states.close();
    const earlier = makeHome(root, 'earlier');
    mkdirSync(homePaths(earlier).data, { recursive: true });
    writeFileSync(join(homePaths(earlier).data, 'state.json'), chainStateToJson(stateOfA));
    const damaged = makeHome(root, 'damaged');
    mkdirSync(join(homePaths(damaged).data, 'cs.wal'), { recursive: true });
    writeFileSync(homePaths(damaged).wal, Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 4, 1, 2, 3, 4));
    const busy = makeHome(root, 'busy');
    // a node0 that is not a node's home (a file of its own): --reset must not delete it
    const foreign = join(root, 'foreign');
    mkdirSync(join(foreign, 'node0'), { recursive: true });
    writeFileSync(join(foreign, 'node0', 'precious.txt'), 'keep');
    const server = await listen();
    const busyPort = (server.address() as { port: number }).port;
    const before = snapshot(root);
    try {
      const cases: [string[], RegExp][] = [
        [['node', '--home', missing, '--port', '0'], /^prevote node: no genesis at .*genesis\.json/],
        [['node', '--home', garbage, '--port', '0'], /^prevote node: .*genesis\.json: genesis is not JSON/],
        [['node', '--home', other, '--port', '0'], /^prevote node: .* holds chain "chain-a", but its genesis is for "chain-b": a home of another chain$/],
        [['node', '--home', earlier, '--port', '0'], /^prevote node: .*state\.json: a home written by an earlier prevote/],
        [['node', '--home', damaged, '--port', '0'], /^prevote node: .*cs\.wal\/wal: damaged WAL, record #0 at byte 0: /],
        [['node', '--home', busy, '--port', String(busyPort)], new RegExp(`^prevote node: port ${busyPort} on 127\\.0\\.0\\.1 is in use$`)],
        [['node', '--port', '1'], /^prevote node: --home DIR is required \(see prevote node --help\)$/],
        [['node', '--home', busy, '--port', '70000'], /^prevote node: --port must be an integer from 0 to 65535, got "70000"$/],
        [['node', '--home', busy, '--bootstrap', '/ip4/127.0.0.1/tcp/1'], /^prevote node: --bootstrap must be a multiaddr ending in \/p2p\/<peer id>/],
        [['node', '--home', busy, '--listen', 'example.org'], /^prevote node: --listen must be an IP address/],
        [['testnet', '--validators', '0', '--home', join(root, 'tn')], /^prevote testnet: --validators must be an integer from 1 to 64, got "0"$/],
        [['testnet', '--home', root], /^prevote testnet: .* exists and is not a testnet home/],
        [['testnet', '--reset', '--validators', '1', '--home', foreign, '--port', '20000'], /^prevote testnet: .*foreign exists and is not a testnet home/],
      ];
      const results = await Promise.all(cases.map(([args]) => run(...args)));
      results.forEach((r, i) => {
        const [args, expected] = cases[i];
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stdout, args.join(' ')).toBe('');
        expect(r.stderr.split('\n'), args.join(' ')).toHaveLength(2); // one line and its newline
        expect(r.stderr.trimEnd(), args.join(' ')).toMatch(expected);
      });
    } finally {
      server.close();
    }
    expect(snapshot(root)).toEqual(before);
    expect(chainStateToJson((await readStoredState(homePaths(other).data))!)).toBe(chainStateToJson(stateOfA));
  }, 60_000);
});
