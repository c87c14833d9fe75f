// `prevote testnet`: a local chain of N validators and a hub, each a separate OS process.
//
// The first run writes a genesis and one CometBFT-style home per node under DIR (DIR/hub, DIR/node0,
// DIR/node1, …: config/{genesis,node_key,priv_validator_key}.json, data/; the hub has no validator
// key); later runs resume from what is on disk. The hub (`prevote hub`) starts first: it serves the
// app over HTTP on port P, libp2p TCP on P+1 and WebSockets on P+2; validator i listens on P+10+i.
// Validators bootstrap to the hub only and find each other by peer exchange; the hub is also their
// persistent peer, redialled when it restarts, while their connections to each other carry the
// chain on. Output comes back prefixed with the process's name; Ctrl-C stops them all (SIGTERM to
// each, then waiting for their clean exit).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { publicKeyFromSeed } from '../core/crypto/ed25519.js';
import { intFlag, parseFlags, UsageError } from './args.js';
import { genesisJson, homePaths, newSeed, nodeKeyJson, parsePrivKeyFile, privValidatorKeyJson, readIfExists } from './home.js';
import { connectHost, DEFAULT_HTTP_PORT, distFlag } from './hub.js';
import { loadGenesis, MAX_LOAD, probePort, STOP_ON_STDIN_EOF } from './node.js';

export const DEFAULT_TESTNET_HOME = '.prevote-testnet';
const MAX_VALIDATORS = 64;
/** Validator i listens on P + VALIDATOR_PORT_OFFSET + i; P..P+9 are the hub's. */
const VALIDATOR_PORT_OFFSET = 10;

/** Every port of a testnet from its base P. */
export function testnetPorts(base: number, n: number) {
  return { http: base, hubTcp: base + 1, hubWs: base + 2, validator: (i: number) => base + VALIDATOR_PORT_OFFSET + i, last: base + VALIDATOR_PORT_OFFSET + n - 1 };
}

export const TESTNET_HELP = `Usage: prevote testnet [--validators N] [--home DIR] [--port P] [--listen HOST] [--reset] [--timeout-commit MS] [--load RATE] [--dist DIR]

Runs a local chain: a hub ('prevote hub': serves the app over HTTP, a WebSockets listener and a
relay for browsers, peer exchange) and N validators, each its own 'prevote node' process that
bootstraps to the hub and finds the others by peer exchange. Prints the app's URL and one line
per commit per process, prefixed with its name. Ctrl-C stops them all.

The first run writes a genesis and a home per process (DIR/hub, DIR/node0, DIR/node1, …: config/
with genesis.json, node_key.json and, for validators, priv_validator_key.json; data/ with the WAL,
blocks, state and priv_validator_state.json). Running it again resumes from disk, without double
signing.

  --validators N       1..${MAX_VALIDATORS} (default 4; on resume, the home's own count)
  --home DIR           where the homes live (default ./${DEFAULT_TESTNET_HOME})
  --port P             the first of the ports (default ${DEFAULT_HTTP_PORT}): the app on HTTP port P, the hub's
                       libp2p TCP on P+1 and WebSockets on P+2, validator i on TCP P+${VALIDATOR_PORT_OFFSET}+i
  --listen HOST        the IP address everything listens on (default 127.0.0.1)
  --reset              delete DIR's testnet first and start a new chain
  --timeout-commit MS  timeout_commit for every node, 0..60000 (default 1000)
  --load RATE          feed RATE kvstore txs (k<n>=v<n>) per second, 0..${MAX_LOAD} (default 0), submitted
                       at node0 and gossiped by the mempool
  --dist DIR           the built app the hub serves (default: the dist/ that 'npm run build' makes)`;

const TESTNET_OPTIONS = {
  validators: { type: 'string' },
  home: { type: 'string' },
  port: { type: 'string' },
  listen: { type: 'string' },
  reset: { type: 'boolean', default: false },
  'timeout-commit': { type: 'string' },
  load: { type: 'string' },
  dist: { type: 'string' },
} as const;

/** The `prevote` entry (it registers tsx, so children run the same TypeScript sources). */
const PREVOTE_BIN = fileURLToPath(new URL('../../bin/prevote.js', import.meta.url));

const nodeDir = (home: string, i: number) => join(home, `node${i}`);
const hubDir = (home: string) => join(home, 'hub');

/** Node homes present (node0, node1, … without gaps), or 0. */
function countNodes(home: string): number {
  let n = 0;
  while (existsSync(homePaths(nodeDir(home, n)).genesis)) n++;
  return n;
}

/**
 * A directory we may create a testnet in, or wipe: absent, empty, or only nodeN and hub homes,
 * each holding nothing but config/ and data/ (--reset deletes them: a node0 of something else,
 * with a file of its own, is not ours to delete).
 */
function ours(home: string): boolean {
  if (!existsSync(home)) return true;
  if (!statSync(home).isDirectory()) throw new UsageError(`--home ${home} is a file, not a directory`);
  const isHome = (dir: string) => statSync(dir).isDirectory() && readdirSync(dir).every((e) => e === 'config' || e === 'data');
  return readdirSync(home).every((e) => (/^node\d+$/.test(e) || e === 'hub') && isHome(join(home, e)));
}

/** The hub's home: node0's genesis and a node key of its own, no validator key (kept if present). */
async function ensureHubHome(home: string, genesis: string): Promise<void> {
  const p = homePaths(hubDir(home));
  await mkdir(p.config, { recursive: true, mode: 0o700 });
  if (!existsSync(p.nodeKey)) await writeFile(p.nodeKey, nodeKeyJson(newSeed()), { mode: 0o600 });
  if (!existsSync(p.genesis)) await writeFile(p.genesis, genesis);
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
  await ensureHubHome(home, genesis);
  for (let i = n - 1; i >= 0; i--) await writeFile(homePaths(nodeDir(home, i)).genesis, genesis);
  return chainId;
}

async function peerIdOfHome(home: string): Promise<string> {
  const path = homePaths(home).nodeKey;
  const text = await readIfExists(path);
  if (text === null) throw new UsageError(`${path} is missing (start again with --reset for a new testnet)`);
  // loaded here, not with the CLI: every other command starts without libp2p
  const { Libp2pTransport } = await import('../platform/node/libp2p-transport.js');
  return Libp2pTransport.peerIdOf(parsePrivKeyFile(path, text));
}

export async function runTestnetCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, TESTNET_OPTIONS);
  const home = resolve(values.home ?? DEFAULT_TESTNET_HOME);
  const basePort = values.port !== undefined ? intFlag('port', values.port, 1, 65535) : DEFAULT_HTTP_PORT;
  const host = values.listen ?? '127.0.0.1';
  if (!isIP(host)) throw new UsageError(`--listen must be an IP address (e.g. 127.0.0.1 or 0.0.0.0), got ${JSON.stringify(host)}`);
  const asked = values.validators !== undefined ? intFlag('validators', values.validators, 1, MAX_VALIDATORS) : null;
  const timeoutCommit = values['timeout-commit'] !== undefined ? String(intFlag('timeout-commit', values['timeout-commit'], 0, 60_000, 'a time in ms')) : null;
  const load = values.load !== undefined ? intFlag('load', values.load, 0, MAX_LOAD, 'a rate in txs per second') : 0;
  const dist = values.dist !== undefined ? distFlag(values.dist) : null;

  let n = countNodes(home);
  const wipe = values.reset === true;
  if (wipe || n === 0) {
    if (!ours(home)) throw new UsageError(`${home} exists and is not a testnet home (it holds more than hub, node0, node1, …); choose another --home`);
    n = asked ?? 4;
  } else if (asked !== null && asked !== n) {
    throw new UsageError(`${home} holds a testnet of ${n} validators, not ${asked} (add --reset to start a new chain)`);
  }
  const ports = testnetPorts(basePort, n);
  if (ports.last > 65535) throw new UsageError(`--port ${basePort} leaves no room for ${n} validators (P+${VALIDATOR_PORT_OFFSET}+i must stay below 65536)`);
  for (const port of [ports.http, ports.hubTcp, ports.hubWs, ...Array.from({ length: n }, (_, i) => ports.validator(i))]) await probePort(host, port);
  if (wipe) await rm(home, { recursive: true, force: true });
  const fresh = countNodes(home) === 0;
  const chainId = fresh ? await initTestnet(home, n) : (await loadGenesis(homePaths(nodeDir(home, 0)).genesis)).chainId;
  // a testnet from before the hub existed gets one on resume
  if (!fresh) await ensureHubHome(home, await readFile(homePaths(nodeDir(home, 0)).genesis, 'utf8'));

  const ip = `/${isIP(host) === 6 ? 'ip6' : 'ip4'}/${connectHost(host)}`;
  const hubAddr = `${ip}/tcp/${ports.hubTcp}/p2p/${await peerIdOfHome(hubDir(home))}`;
  console.log(`testnet ${chainId}: ${n} validators and a hub, home ${home}, ${fresh ? 'new chain' : 'resuming from disk'}`);

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  let failedStop = false;
  let resolveAllExited!: () => void;
  const allExited = new Promise<void>((r) => (resolveAllExited = r));
  // a process that refused its home or flags (status 2, its reason on its stderr) leaves a chain
  // that cannot move: the testnet stops too, rather than run on without it
  let resolveRefused!: (name: string) => void;
  const refused = new Promise<string>((r) => (resolveRefused = r));

  const start = (name: string, args: string[], addr: string, onLine?: (line: string) => void) => {
    // stdin stays open for the child's life: when we die, even by SIGKILL, it sees EOF and stops
    const child = spawn(process.execPath, [PREVOTE_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, [STOP_ON_STDIN_EOF]: '1' } });
    children.set(name, child);
    console.log(`${name}: pid ${child.pid}, ${addr}`);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      console.log(`${name}: ${line}`);
      onLine?.(line);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => console.error(`${name}: ${line}`));
    child.on('exit', (code, signal) => {
      children.delete(name);
      const how = signal ? `killed by ${signal}` : `exited with status ${code}`;
      if (!stopping || code !== 0) console.error(`${name} ${how}`);
      if (stopping && code !== 0) failedStop = true;
      if (!stopping && code === 2) resolveRefused(name);
      if (children.size === 0) resolveAllExited();
    });
  };
  const common = ['--listen', host, ...(timeoutCommit !== null ? ['--timeout-commit', timeoutCommit] : [])];

  // the hub first; the validators need not wait for it (they redial it until it answers)
  let opened = false;
  const hubArgs = ['hub', '--home', hubDir(home), '--port', String(ports.hubTcp), '--ws-port', String(ports.hubWs), '--http-port', String(ports.http), ...(dist !== null ? ['--dist', dist] : []), ...common];
  start('hub', hubArgs, hubAddr, (line) => {
    const url = /^serving (http:\S+)/.exec(line)?.[1];
    if (url && !opened) {
      opened = true;
      console.log(`open ${url}`);
    }
  });
  for (let i = 0; i < n; i++) {
    const addr = `${ip}/tcp/${ports.validator(i)}/p2p/${await peerIdOfHome(nodeDir(home, i))}`;
    const nodeArgs = ['node', '--home', nodeDir(home, i), '--port', String(ports.validator(i)), '--bootstrap', hubAddr, ...common];
    if (i === 0 && load > 0) nodeArgs.push('--load', String(load));
    start(`node${i}`, nodeArgs, addr);
  }

  const ended = await Promise.race([
    new Promise<'signal'>((r) => {
      process.once('SIGINT', () => r('signal'));
      process.once('SIGTERM', () => r('signal'));
    }),
    allExited.then(() => 'exited' as const),
    refused.then((name) => ({ refused: name })),
  ]);
  if (ended === 'exited') {
    console.error('prevote testnet: every process has exited');
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
  if (typeof ended === 'object') {
    console.error(`prevote testnet: ${ended.refused} could not start (its reason above): the testnet stopped`);
    return 2;
  }
  return failedStop ? 1 : 0;
}
