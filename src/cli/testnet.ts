// `prevote testnet`: a local chain of N validators, each a separate `prevote node` process.
//
// The first run writes a genesis and one CometBFT-style home per node under DIR (DIR/node0,
// DIR/node1, …: config/{genesis,node_key,priv_validator_key}.json, data/); later runs resume from
// what is on disk. Node i listens on 127.0.0.1:P+i and keeps connections to nodes 0..i-1 (node 0
// is the bootstrap everyone dials; with no peer exchange yet, the lower nodes are dialled too, so
// the mesh is full and survives any one node's restart). Their output comes back prefixed with
// the node's name; Ctrl-C stops them all (SIGTERM to each, then waiting for their clean exit).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { publicKeyFromSeed } from '../core/crypto/ed25519.js';
import { Libp2pTransport } from '../platform/node/libp2p-transport.js';
import { intFlag, parseFlags, UsageError } from './args.js';
import { genesisJson, homePaths, newSeed, nodeKeyJson, parsePrivKeyFile, privValidatorKeyJson, readIfExists } from './home.js';
import { DEFAULT_P2P_PORT, loadGenesis, MAX_LOAD, probePort, STOP_ON_STDIN_EOF } from './node.js';

export const DEFAULT_TESTNET_HOME = '.prevote-testnet';
const MAX_VALIDATORS = 64;

export const TESTNET_HELP = `Usage: prevote testnet [--validators N] [--home DIR] [--port P] [--reset] [--timeout-commit MS] [--load RATE]

Runs a local chain of N validators, each its own 'prevote node' process, over libp2p on
127.0.0.1, and prints their commits prefixed with the node's name. Ctrl-C stops them all.

The first run writes a genesis and a home per node (DIR/node0, DIR/node1, …: config/ with
genesis.json, node_key.json and priv_validator_key.json; data/ with the WAL, blocks, state and
priv_validator_state.json). Running it again resumes from disk, without double signing.

  --validators N       1..${MAX_VALIDATORS} (default 4; on resume, the home's own count)
  --home DIR           where the homes live (default ./${DEFAULT_TESTNET_HOME})
  --port P             node i listens on TCP port P+i (default ${DEFAULT_P2P_PORT})
  --reset              delete DIR's testnet first and start a new chain
  --timeout-commit MS  timeout_commit for every node, 0..60000 (default 1000)
  --load RATE          feed RATE kvstore txs (k<n>=v<n>) per second, 0..${MAX_LOAD} (default 0), submitted
                       at node0 and gossiped by the mempool`;

const TESTNET_OPTIONS = {
  validators: { type: 'string' },
  home: { type: 'string' },
  port: { type: 'string' },
  reset: { type: 'boolean', default: false },
  'timeout-commit': { type: 'string' },
  load: { type: 'string' },
} as const;

/** The `prevote` entry (it registers tsx, so children run the same TypeScript sources). */
const PREVOTE_BIN = fileURLToPath(new URL('../../bin/prevote.js', import.meta.url));

const nodeDir = (home: string, i: number) => join(home, `node${i}`);

/** Node homes present (node0, node1, … without gaps), or 0. */
function countNodes(home: string): number {
  let n = 0;
  while (existsSync(homePaths(nodeDir(home, n)).genesis)) n++;
  return n;
}

/** A directory we may create a testnet in, or wipe: absent, empty, or only nodeN entries. */
function ours(home: string): boolean {
  if (!existsSync(home)) return true;
  return readdirSync(home).every((e) => /^node\d+$/.test(e));
}

/** Writes a new chain: keys for every node, then the genesis into each home (node0's last: the marker). */
async function initTestnet(home: string, n: number): Promise<string> {
  const chainId = `prevote-testnet-${randomBytes(3).toString('hex')}`;
  const validatorSeeds = Array.from({ length: n }, newSeed);
  for (let i = 0; i < n; i++) {
    const p = homePaths(nodeDir(home, i));
    await mkdir(p.config, { recursive: true, mode: 0o700 });
    await mkdir(p.data, { recursive: true, mode: 0o700 });
    await writeFile(p.nodeKey, nodeKeyJson(newSeed()), { mode: 0o600 });
    await writeFile(p.privValidatorKey, privValidatorKeyJson(validatorSeeds[i]), { mode: 0o600 });
  }
  const genesis = genesisJson(
    chainId,
    validatorSeeds.map((s, i) => ({ pubKey: publicKeyFromSeed(s), name: `node${i}` })),
    Date.now(),
  );
  for (let i = n - 1; i >= 0; i--) await writeFile(homePaths(nodeDir(home, i)).genesis, genesis);
  return chainId;
}

async function peerIdOfHome(home: string): Promise<string> {
  const path = homePaths(home).nodeKey;
  const text = await readIfExists(path);
  if (text === null) throw new UsageError(`${path} is missing (start again with --reset for a new testnet)`);
  return Libp2pTransport.peerIdOf(parsePrivKeyFile(path, text));
}

export async function runTestnetCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, TESTNET_OPTIONS);
  const home = resolve(values.home ?? DEFAULT_TESTNET_HOME);
  const basePort = values.port !== undefined ? intFlag('port', values.port, 1, 65535) : DEFAULT_P2P_PORT;
  const asked = values.validators !== undefined ? intFlag('validators', values.validators, 1, MAX_VALIDATORS) : null;
  const timeoutCommit = values['timeout-commit'] !== undefined ? String(intFlag('timeout-commit', values['timeout-commit'], 0, 60_000, 'a time in ms')) : null;
  const load = values.load !== undefined ? intFlag('load', values.load, 0, MAX_LOAD, 'a rate in txs per second') : 0;

  let n = countNodes(home);
  if (values.reset || n === 0) {
    if (!ours(home)) throw new UsageError(`${home} exists and is not a testnet home (it holds more than node0, node1, …); choose another --home`);
    if (values.reset) await rm(home, { recursive: true, force: true });
    n = asked ?? 4;
  } else if (asked !== null && asked !== n) {
    throw new UsageError(`${home} holds a testnet of ${n} validators, not ${asked} (add --reset to start a new chain)`);
  }
  if (basePort + n - 1 > 65535) throw new UsageError(`--port ${basePort} leaves no room for ${n} nodes (P+i must stay below 65536)`);
  const fresh = countNodes(home) === 0;
  const chainId = fresh ? await initTestnet(home, n) : (await loadGenesis(homePaths(nodeDir(home, 0)).genesis)).chainId;
  for (let i = 0; i < n; i++) await probePort('127.0.0.1', basePort + i);

  const addrs: string[] = [];
  for (let i = 0; i < n; i++) addrs.push(`/ip4/127.0.0.1/tcp/${basePort + i}/p2p/${await peerIdOfHome(nodeDir(home, i))}`);
  console.log(`testnet ${chainId}: ${n} validators, home ${home}, ${fresh ? 'new chain' : 'resuming from disk'}`);

  const children = new Map<number, ChildProcess>();
  let stopping = false;
  let failedStop = false;
  let resolveAllExited!: () => void;
  const allExited = new Promise<void>((r) => (resolveAllExited = r));

  for (let i = 0; i < n; i++) {
    const name = `node${i}`;
    const nodeArgs = [PREVOTE_BIN, 'node', '--home', nodeDir(home, i), '--port', String(basePort + i)];
    for (let j = 0; j < i; j++) nodeArgs.push('--bootstrap', addrs[j]);
    if (timeoutCommit !== null) nodeArgs.push('--timeout-commit', timeoutCommit);
    if (i === 0 && load > 0) nodeArgs.push('--load', String(load));
    // stdin stays open for the child's life: when we die, even by SIGKILL, it sees EOF and stops
    const child = spawn(process.execPath, nodeArgs, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, [STOP_ON_STDIN_EOF]: '1' } });
    children.set(i, child);
    console.log(`${name}: pid ${child.pid}, ${addrs[i]}`);
    createInterface({ input: child.stdout! }).on('line', (line) => console.log(`${name}: ${line}`));
    createInterface({ input: child.stderr! }).on('line', (line) => console.error(`${name}: ${line}`));
    child.on('exit', (code, signal) => {
      children.delete(i);
      const how = signal ? `killed by ${signal}` : `exited with status ${code}`;
      if (!stopping || code !== 0) console.error(`${name} ${how}`);
      if (stopping && code !== 0) failedStop = true;
      if (children.size === 0) resolveAllExited();
    });
  }

  const signalled = await Promise.race([
    new Promise<boolean>((r) => {
      process.once('SIGINT', () => r(true));
      process.once('SIGTERM', () => r(true));
    }),
    allExited.then(() => false),
  ]);
  if (!signalled) {
    console.error('prevote testnet: every node has exited');
    return 1;
  }
  stopping = true;
  process.on('SIGINT', () => undefined); // Ctrl-C again while the nodes stop: they are stopping
  process.on('SIGTERM', () => undefined);
  for (const child of children.values()) child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 20_000);
  if (children.size > 0) await allExited;
  clearTimeout(timer);
  return failedStop ? 1 : 0;
}
