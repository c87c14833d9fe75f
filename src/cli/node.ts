// `prevote node --home DIR`: one node (validator or full node) as its own OS process, gossiping
// over libp2p, with its WAL, block store, state and sign state on disk (the layout is in home.ts).
//
// Everything that can be checked without writing is checked first — flags, genesis, keys, the
// stored state's chain id, the sign state, the WAL, the port — so a refusal leaves the home as it
// was. Only then are the stores opened (a fresh home gets its data directory and a node key).
//
// Every node runs peer exchange (channel 0x00): it learns addresses from its peers and dials them
// up to its target, so a node given only the hub as --bootstrap finds the others. `prevote hub`
// (hub.ts) is this same start path with WebSockets, a relay server and an HTTP server added.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, isIP } from 'node:net';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { DEFAULT_CONSENSUS_CONFIG } from '../core/consensus/config.js';
import type { GenesisDoc } from '../core/state/genesis.js';
import { genesisState, parseGenesis } from '../core/state/genesis.js';
import type { ChainState } from '../core/state/chain-state.js';
import { signStateFromJson } from '../core/privval/sign-state-json.js';
import { scanCometWal } from '../core/wal/scan.js';
import { KVStoreApp } from '../core/app/kvstore.js';
import { addressFromPubKey } from '../core/crypto/address.js';
import { publicKeyFromSeed } from '../core/crypto/ed25519.js';
import { toHex } from '../core/bytes.js';
import type { Bytes } from '../core/types.js';
import { PrevoteError } from '../core/errors.js';
import { NODE_CHANNELS } from '../node/channel-descriptors.js';
import { createNode } from '../node/create-node.js';
import type { ConsensusNode } from '../node/node.js';
import { LocalPrivValidator } from '../node/priv-validator.js';
import { realTimeScheduler } from '../node/real-time-scheduler.js';
import { SignatureCache } from '../node/signature-cache.js';
import { createKeySigner, createVerifier } from '../platform/shared/webcrypto-verifier.js';
import { FilePrivValidatorStateStore, writeFileAtomic } from '../platform/node/file-stores.js';
import { LevelBlockStore, LevelStateStore, readStoredState } from '../platform/node/level-stores.js';
import { openWAL } from '../platform/node/file-wal.js';
import type { Libp2pTransport } from '../platform/node/libp2p-transport.js';
import { peerIdOfAddr } from '../platform/shared/redialer.js';
import { intFlag, parseFlags, UsageError } from './args.js';
import { homePaths, newSeed, nodeKeyJson, parsePrivKeyFile, readIfExists } from './home.js';

export const DEFAULT_P2P_PORT = 26656;
/** Set by `prevote testnet` for its children: stop when stdin reaches its end (the parent died). */
export const STOP_ON_STDIN_EOF = 'PREVOTE_STOP_ON_STDIN_EOF';

/** Most txs per second `--load` feeds. */
export const MAX_LOAD = 10_000;

/** Peers at most, either direction (CometBFT's max_num_inbound_peers + max_num_outbound_peers). */
export const DEFAULT_MAX_PEERS = 50;
/** Peer exchange dials learned addresses while below this (CometBFT's max_num_outbound_peers). */
const PEX_TARGET_PEERS = 10;

export const NODE_HELP = `Usage: prevote node --home DIR [--bootstrap MULTIADDR]... [--listen HOST] [--port P] [--max-peers N] [--load RATE]

Runs one node of a chain as this process: a validator when DIR/config/priv_validator_key.json
exists, else a full node. Prints its listen address, then one line per committed height.
Ctrl-C (SIGINT) or SIGTERM stops it cleanly.

  --home DIR           the node's home: config/genesis.json, config/node_key.json (created if
                       missing), config/priv_validator_key.json, and data/ (WAL, blocks, state)
  --bootstrap ADDR     a peer to keep connected to, /ip4/HOST/tcp/PORT/p2p/PEER_ID (repeatable);
                       redialled with backoff whenever it is lost; peer exchange finds the others
  --listen HOST        the IP address to listen on (default 127.0.0.1; 0.0.0.0 for other machines)
  --port P             the TCP port, 0..65535 (default ${DEFAULT_P2P_PORT}; 0 picks a free one)
  --max-peers N        most peers at once, 1..1000 (default ${DEFAULT_MAX_PEERS}); peer exchange dials up to ${PEX_TARGET_PEERS}
  --timeout-commit MS  timeout_commit, 0..60000 (default ${DEFAULT_CONSENSUS_CONFIG.timeoutCommit})
  --load RATE          submit RATE kvstore txs (k<n>=v<n>) per second here, 0..${MAX_LOAD} (default 0);
                       the mempool gossips them to the other nodes

A missing or corrupt genesis, a home of another chain, a port in use or a damaged WAL is one
line on stderr and exit 2; nothing on disk is changed (repair a WAL with 'prevote wal repair').`;

/** The flags `prevote node` and `prevote hub` share. */
export const NODE_OPTIONS = {
  home: { type: 'string' },
  bootstrap: { type: 'string', multiple: true },
  listen: { type: 'string' },
  port: { type: 'string' },
  'max-peers': { type: 'string' },
  'timeout-commit': { type: 'string' },
  load: { type: 'string' },
} as const;

export interface NodeSettings {
  home: string;
  bootstrap: string[];
  host: string;
  port: number;
  timeoutCommit: number;
  /** Txs per second submitted locally (0: none). */
  load: number;
  maxPeers: number;
  /** A WebSockets listener on this port as well (the hub's, for browsers); null: TCP only. */
  wsPort: number | null;
  /** Serve circuit relay v2 (the hub). */
  relay: boolean;
}

type NodeFlagValues = { [K in keyof typeof NODE_OPTIONS]?: (typeof NODE_OPTIONS)[K] extends { multiple: true } ? string[] : string };

export function parseNodeFlags(args: string[]): NodeSettings {
  return nodeSettings(parseFlags(args, NODE_OPTIONS).values);
}

/** Settings from the shared flags (the hub adds its own to these). */
export function nodeSettings(values: NodeFlagValues): NodeSettings {
  if (!values.home) throw new UsageError('--home DIR is required', true);
  const host = values.listen ?? '127.0.0.1';
  if (!isIP(host)) throw new UsageError(`--listen must be an IP address (e.g. 127.0.0.1 or 0.0.0.0), got ${JSON.stringify(host)}`);
  const bootstrap = values.bootstrap ?? [];
  for (const b of bootstrap) {
    try {
      multiaddr(b);
      peerIdOfAddr(b);
    } catch {
      throw new UsageError(`--bootstrap must be a multiaddr ending in /p2p/<peer id>, e.g. /ip4/10.0.0.1/tcp/26656/p2p/12D3KooW…, got ${JSON.stringify(b)}`);
    }
  }
  return {
    home: values.home,
    bootstrap,
    host,
    port: values.port !== undefined ? intFlag('port', values.port, 0, 65535) : DEFAULT_P2P_PORT,
    timeoutCommit: values['timeout-commit'] !== undefined ? intFlag('timeout-commit', values['timeout-commit'], 0, 60_000, 'a time in ms') : DEFAULT_CONSENSUS_CONFIG.timeoutCommit,
    load: values.load !== undefined ? intFlag('load', values.load, 0, MAX_LOAD, 'a rate in txs per second') : 0,
    maxPeers: values['max-peers'] !== undefined ? intFlag('max-peers', values['max-peers'], 1, 1000) : DEFAULT_MAX_PEERS,
    wsPort: null,
    relay: false,
  };
}

/**
 * Submits `rate` kvstore txs per second through `submit` (the node's submitTx, so the mempool
 * reactor gossips them) until stopped. Keys start from the clock (×10, one per 0.1 ms: more than
 * MAX_LOAD allows), so a restarted node does not send the txs of its last run again.
 */
export function startLoad(rate: number, submit: (tx: Uint8Array) => unknown): () => void {
  if (rate <= 0) return () => undefined;
  const enc = new TextEncoder();
  const start = Date.now();
  let next = start * 10;
  let sent = 0;
  const timer = setInterval(
    () => {
      const total = Math.floor(((Date.now() - start) * rate) / 1000);
      // catch up after a stall, but never more than one second's worth at once
      if (total - sent > rate) sent = total - rate;
      for (; sent < total; sent++) {
        const n = next++;
        submit(enc.encode(`k${n}=v${n}`));
      }
    },
    Math.max(10, Math.floor(1000 / rate)),
  );
  return () => clearInterval(timer);
}

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Loads the genesis document; a missing or bad one is one line naming the file. */
export async function loadGenesis(path: string): Promise<GenesisDoc> {
  const text = await readIfExists(path);
  if (text === null) throw new UsageError(`no genesis at ${path} (run 'prevote testnet', or copy the chain's genesis.json there)`);
  try {
    const genesis = parseGenesis(text);
    genesisState(genesis); // a chain needs validators
    return genesis;
  } catch (e) {
    throw new UsageError(`${path}: ${msg(e)}`);
  }
}

/** Resolves when the port can be bound on host (then frees it); in use is a one-line refusal. */
export function probePort(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new UsageError(e.code === 'EADDRINUSE' ? `port ${port} on ${host} is in use` : `cannot listen on ${host}:${port}: ${e.message}`)),
    );
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** What the read-only checks found, ready to open. */
interface Checked {
  genesis: GenesisDoc;
  nodeKey: Bytes | null;
  validatorKey: Bytes | null;
  storedHeight: number;
}

async function check(s: NodeSettings): Promise<Checked> {
  const p = homePaths(s.home);
  const genesis = await loadGenesis(p.genesis);
  const nodeKeyText = await readIfExists(p.nodeKey);
  const nodeKey = nodeKeyText === null ? null : parsePrivKeyFile(p.nodeKey, nodeKeyText);
  const validatorText = await readIfExists(p.privValidatorKey);
  const validatorKey = validatorText === null ? null : parsePrivKeyFile(p.privValidatorKey, validatorText);
  for (const old of ['blocks.log', 'state.json']) {
    if (existsSync(join(p.data, old))) throw new UsageError(`${join(p.data, old)}: a home written by an earlier prevote (its stores are now LevelDB); start a new chain with 'prevote testnet --reset' or a new --home`);
  }
  const signText = await readIfExists(p.privValidatorState);
  if (signText !== null) {
    try {
      signStateFromJson(signText);
    } catch (e) {
      throw new UsageError(`${p.privValidatorState}: ${msg(e)} (refusing to start: signing from an unknown state could sign twice)`);
    }
  }
  let walBytes: Buffer | null = null;
  try {
    walBytes = await readFile(p.wal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`cannot read ${p.wal}: ${msg(e)}`);
  }
  if (walBytes) {
    const c = scanCometWal(new Uint8Array(walBytes)).corruption;
    if (c) throw new UsageError(`${p.wal}: damaged WAL, record #${c.index} at byte ${c.offset}: ${c.reason} (see 'prevote wal inspect' and 'prevote wal repair')`);
  }
  await probePort(s.host, s.port);
  if (s.wsPort !== null) await probePort(s.host, s.wsPort);
  // last: reading LevelDB opens it (it may rewrite its own log), so every other refusal comes first
  let storedHeight = 0;
  let stored: ChainState | null;
  try {
    stored = await readStoredState(p.data);
  } catch (e) {
    throw new UsageError(msg(e));
  }
  if (stored) {
    storedHeight = stored.lastBlockHeight;
    if (stored.chainId !== genesis.chainId) {
      throw new UsageError(`${s.home} holds chain ${JSON.stringify(stored.chainId)}, but its genesis is for ${JSON.stringify(genesis.chainId)}: a home of another chain`);
    }
  }
  return { genesis, nodeKey, validatorKey, storedHeight };
}

/** A typed error from the stores or the handshake (the WAL and the block store disagree…): one line, not "internal error". */
async function refuseTyped<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof PrevoteError) throw new UsageError(`cannot start: ${e.message}`);
    throw e;
  }
}

const listenAddr = (host: string, port: number) => `/${isIP(host) === 6 ? 'ip6' : 'ip4'}/${host}/tcp/${port}`;

/** What a command adds around the node (the hub: its HTTP server). */
export interface NodeExtras {
  /** More read-only checks (ports), run with the node's own before anything is written. */
  check?(): Promise<void>;
  /** Starts once the transport listens, before consensus; returns how to stop it. */
  serve?(ctx: { transport: Libp2pTransport; genesisPath: string; genesis: GenesisDoc; node: ConsensusNode; stateStore: LevelStateStore }): Promise<() => Promise<void>>;
}

export async function runNodeCommand(args: string[], out: (line: string) => void = console.log): Promise<number> {
  return runNode(parseNodeFlags(args), out);
}

/** Runs a node until a signal (0) or a consensus failure (1); the one start path of `node` and `hub`. */
export async function runNode(s: NodeSettings, out: (line: string) => void, extras: NodeExtras = {}): Promise<number> {
  try {
    return await runUntilStopped(s, out, extras);
  } finally {
    if (process.env[STOP_ON_STDIN_EOF] === '1') process.stdin.destroy(); // it must not keep the process alive
  }
}

async function runUntilStopped(s: NodeSettings, out: (line: string) => void, extras: NodeExtras): Promise<number> {
  // a signal from here on means "stop cleanly", even while we are still starting
  let signalled: string | null = null;
  const onSignal = new Promise<string>((resolve) => {
    const on = (sig: string) => {
      signalled ??= sig;
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
    // started by `prevote testnet`: its end of our stdin closing means it is gone (even by
    // SIGKILL), so stop rather than run on as an orphan
    if (process.env[STOP_ON_STDIN_EOF] === '1') {
      process.stdin.on('end', () => on('stdin closed')).on('error', () => on('stdin closed')).resume();
    }
  });
  const c = await check(s);
  await extras.check?.();
  const p = homePaths(s.home);

  // from here on the home is ours to write
  await mkdir(p.data, { recursive: true, mode: 0o700 });
  let nodeKey = c.nodeKey;
  if (!nodeKey) {
    nodeKey = newSeed();
    await writeFileAtomic(p.nodeKey, nodeKeyJson(nodeKey));
  }
  const stateStore = await refuseTyped(LevelStateStore.open(p.data));
  const blockStore = await refuseTyped(LevelBlockStore.open(p.data).catch(async (e) => {
    await stateStore.close();
    throw e;
  }));
  let privValidator: LocalPrivValidator | null = null;
  if (c.validatorKey) {
    privValidator = new LocalPrivValidator(await createKeySigner(c.validatorKey), new FilePrivValidatorStateStore(p.privValidatorState));
    await privValidator.load();
  }
  const wal = await openWAL(p.wal);
  let transport: Libp2pTransport | null = null;
  let stopServing: (() => Promise<void>) | null = null;
  try {
    // loaded here, not with the CLI: every other command starts without libp2p
    const { Libp2pTransport } = await import('../platform/node/libp2p-transport.js');
    transport = await Libp2pTransport.create({
      nodeKey,
      listen: [listenAddr(s.host, s.port), ...(s.wsPort !== null ? [`${listenAddr(s.host, s.wsPort)}/ws`] : [])],
      persistentPeers: s.bootstrap,
      maxPeers: s.maxPeers,
      relayServer: s.relay,
      channels: NODE_CHANNELS,
    });
    const assembled = await refuseTyped(createNode({
      name: transport.peerId,
      genesis: c.genesis,
      config: { ...DEFAULT_CONSENSUS_CONFIG, timeoutCommit: s.timeoutCommit },
      privValidator,
      stores: { wal, blockStore, stateStore },
      app: new KVStoreApp(),
      clock: realTimeScheduler,
      scheduler: realTimeScheduler,
      verifier: new SignatureCache(await createVerifier()),
      network: {
        transport,
        randInt: (n) => Math.floor(Math.random() * n),
        blockSync: {},
        pex: { discovery: transport, options: { targetPeers: Math.min(PEX_TARGET_PEERS, s.maxPeers) } },
      },
    }));
    const { node, sw, blocksync } = assembled;
    const oneLine = (x: string) => x.replace(/\s+/g, ' ').slice(0, 200);
    transport.setHandler({
      peerConnected: (peer) => {
        sw!.peerConnected(peer);
        if (!signalled) out(`peer ${peer} connected (${sw!.peers().length} peers)`);
      },
      peerDisconnected: (peer, reason) => {
        sw!.peerDisconnected(peer, reason);
        if (!signalled) out(`peer ${peer} gone: ${oneLine(reason)} (${sw!.peers().length} peers)`);
      },
      receive: (peer, channel, bytes) => sw!.receive(peer, channel, bytes),
    });
    let synced = 0;
    blocksync!.onEvent((e) => {
      if (e.type === 'synced' && ++synced % 50 === 0) out(`block sync: height ${e.height} applied`);
      if (e.type === 'badBlock') out(`block sync: bad block ${e.height} from ${e.peers.join(', ') || 'a peer'}: ${oneLine(e.reason)}`);
      if (e.type === 'caughtUp') out(`block sync: caught up at height ${e.height} (${e.blocksSynced} blocks synced); consensus starts`);
    });
    node.onEvent((e) => {
      if (e.type === 'NewBlock') {
        out(`height ${e.block.header.height} committed in round ${e.commitRound}, ${e.block.data.txs.length} txs, block ${toHex(e.blockId.hash).slice(0, 12)}`);
      }
    });
    try {
      await transport.start();
    } catch (e) {
      const inUse = (e as NodeJS.ErrnoException).code === 'EADDRINUSE' || /EADDRINUSE/.test(msg(e));
      const ports = s.wsPort !== null ? `ports ${s.port}/${s.wsPort}` : `port ${s.port}`;
      throw new UsageError(inUse ? `${ports} on ${s.host} is in use` : `cannot listen on ${s.host}:${s.port}: ${msg(e)}`);
    }
    // a key the chain's current set does not hold signs nothing: a full node until a validator update adds it
    const address = c.validatorKey ? addressFromPubKey(publicKeyFromSeed(c.validatorKey)) : null;
    const inSet = address !== null && node.getState().validators.getByAddress(address) !== null;
    const role = address === null ? 'full node' : `${inSet ? 'validator' : 'full node, key not in the validator set:'} ${toHex(address).toUpperCase()}`;
    out(`chain ${c.genesis.chainId}, ${role}, from height ${node.getState().lastBlockHeight + 1}`);
    for (const a of transport.listenAddrs()) out(`listening on ${a}`);
    if (extras.serve) stopServing = await extras.serve({ transport, genesisPath: p.genesis, genesis: c.genesis, node, stateStore });
    if (signalled) return 0;
    await refuseTyped(assembled.start());
    const stopLoad = startLoad(s.load, (tx) => node.submitTx(tx));

    // run until a signal (a second one while stopping changes nothing), or until the node halts
    // on its own (a consensus failure)
    await Promise.race([onSignal, node.wait()]);
    stopLoad();
    assembled.stop();
    await node.whenIdle();
    if (signalled === null) {
      console.error(`prevote node: consensus halted: ${msg(node.failure ?? 'stopped')}`);
      return 1;
    }
    return 0;
  } finally {
    await stopServing?.().catch(() => undefined);
    await transport?.stop().catch(() => undefined);
    await wal.close();
    await blockStore.close();
    await stateStore.close();
  }
}
