// `prevote hub --home DIR`: the node a local testnet, and later its browsers, gather around. It is
// `prevote node` (one start path: runNode) with three things added:
//   - a WebSockets listener, which is what a browser can dial;
//   - a circuit-relay-v2 server, through which browsers reach each other (notes/libp2p.md);
//   - an HTTP server for the built app (dist/), its /genesis.json, and /hub.json with the hub's
//     peer id and WebSocket multiaddrs, so the page knows the chain and where to connect.
// Like every node it runs peer exchange: nodes that bootstrap only to the hub learn each other
// from it. It is a full node unless its home holds a validator key.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage } from 'node:http';
import { closeHttp, listenHttp, staticHandler } from '../platform/node/http-static.js';
import type { LevelStateStore } from '../platform/node/level-stores.js';
import type { ConsensusNode } from '../node/node.js';
import { DowntimeWatcher } from '../node/downtime.js';
import type { GenesisDoc } from '../core/state/genesis.js';
import { validatorTx } from '../core/app/kvstore.js';
import { addressFromPubKey } from '../core/crypto/address.js';
import { toHex } from '../core/bytes.js';
import { intFlag, parseFlags, UsageError } from './args.js';
import type { NodeSettings } from './node.js';
import { DEFAULT_MAX_PEERS, DEFAULT_P2P_PORT, MAX_LOAD, NODE_OPTIONS, nodeSettings, probePort, runNode } from './node.js';

export const DEFAULT_HTTP_PORT = 8080;
/** Commits in a row a later validator may miss before the hub submits its removal. */
export const DEFAULT_DOWNTIME = 20;
/** The built app, beside the sources (what `vite build` writes). */
export const DEFAULT_DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

export const HUB_HELP = `Usage: prevote hub --home DIR [--port P] [--ws-port P] [--http-port P] [--listen HOST] [--dist DIR]

Runs a hub: a node (a full node unless DIR holds a validator key) that nodes bootstrap to and
learn each other from (peer exchange), with a WebSockets listener and a circuit relay for
browsers, and an HTTP server for the app. Prints its addresses, its URL and one line per commit.
Ctrl-C (SIGINT) or SIGTERM stops it cleanly.

  --home DIR           the hub's home, as for 'prevote node' (config/genesis.json, node_key.json)
  --port P             libp2p TCP port for nodes, 0..65535 (default ${DEFAULT_P2P_PORT})
  --ws-port P          libp2p WebSockets port for browsers (default: --port + 1)
  --http-port P        HTTP port of the app, /genesis.json and /hub.json (default ${DEFAULT_HTTP_PORT})
  --listen HOST        the IP address for all three (default 127.0.0.1)
  --dist DIR           the built app to serve (default: the dist/ that 'npm run build' makes)
  --bootstrap ADDR     other peers to keep connected to (repeatable)
  --max-peers N        most peers at once, 1..1000 (default ${DEFAULT_MAX_PEERS}); also the relay's reservations
  --timeout-commit MS  timeout_commit, 0..60000
  --load RATE          submit RATE kvstore txs per second here, 0..${MAX_LOAD} (default 0)
  --downtime K         remove a validator that joined after genesis (a browser tab) once it has
                       missed K commits in a row, by submitting val:<pubkey>!0 (default ${DEFAULT_DOWNTIME}; 0: never)`;

const HUB_OPTIONS = {
  ...NODE_OPTIONS,
  'ws-port': { type: 'string' },
  'http-port': { type: 'string' },
  dist: { type: 'string' },
  downtime: { type: 'string' },
} as const;

export interface HubSettings extends NodeSettings {
  wsPort: number;
  httpPort: number;
  dist: string;
  /** Heights a later validator may miss in a row before the hub submits its removal (0: never). */
  downtime: number;
}


export function parseHubFlags(args: string[]): HubSettings {
  const { values } = parseFlags(args, HUB_OPTIONS);
  const s = nodeSettings(values);
  const wsPort = values['ws-port'] !== undefined ? intFlag('ws-port', values['ws-port'], 0, 65535) : s.port === 0 ? 0 : s.port + 1;
  if (wsPort > 65535) throw new UsageError(`--port ${s.port} leaves no room for the WebSockets port (give --ws-port)`);
  const httpPort = values['http-port'] !== undefined ? intFlag('http-port', values['http-port'], 0, 65535) : DEFAULT_HTTP_PORT;
  if (wsPort !== 0 && (wsPort === s.port || wsPort === httpPort)) throw new UsageError(`--ws-port ${wsPort} is already the TCP or HTTP port`);
  if (httpPort !== 0 && httpPort === s.port) throw new UsageError(`--http-port ${httpPort} is already the TCP port`);
  const downtime = values.downtime !== undefined ? intFlag('downtime', values.downtime, 0, 1_000_000, 'a number of heights') : DEFAULT_DOWNTIME;
  return { ...s, wsPort, relay: true, httpPort, dist: values.dist !== undefined ? distFlag(values.dist) : DEFAULT_DIST, downtime };
}

/**
 * A --dist given on the command line, resolved: it must hold a build of the app (the default
 * dist/ may be missing until 'npm run build', and the page says so; a directory named by hand
 * that holds no app is a mistake to say at once).
 */
export function distFlag(dir: string): string {
  const path = resolve(dir);
  if (!hasApp(path)) throw new UsageError(`--dist ${dir}: no index.html there (give the directory 'npm run build' writes, dist/)`);
  return path;
}

function hasApp(dist: string): boolean {
  try {
    return readFileSync(resolve(dist, 'index.html')).length > 0;
  } catch {
    return false;
  }
}

/** The address a browser on this machine uses for a listen host (0.0.0.0 is not one to connect to). */
export function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

export async function runHubCommand(args: string[], out: (line: string) => void = console.log): Promise<number> {
  const s = parseHubFlags(args);
  return runNode(s, out, {
    check: () => probePort(s.host, s.httpPort),
    async serve({ transport, genesisPath, genesis: doc, node, stateStore }) {
      const chainId = doc.chainId;
      const stopDowntime = s.downtime > 0 ? watchDowntime(node, stateStore, doc, s.downtime, out) : () => undefined;
      // the file as it is on disk: the browser checks the same bytes every node started from
      const genesis = readFileSync(genesisPath, 'utf8');
      const hubJson = (req: IncomingMessage) => {
        const ws = transport.listenAddrs().filter((a) => a.includes('/ws/'));
        // the address the browser reached us on first: on 0.0.0.0 the hub listens on several
        const local = req.socket.localAddress?.replace(/^::ffff:/, '');
        const near = (a: string) => (local && a.includes(`/${local}/`) ? 0 : 1);
        ws.sort((a, b) => near(a) - near(b));
        return { type: 'application/json; charset=utf-8', body: JSON.stringify({ chainId, peerId: transport.peerId, ws, tcp: transport.listenAddrs().filter((a) => !a.includes('/ws/')) }, null, 2) + '\n' };
      };
      const routes = { '/genesis.json': () => ({ type: 'application/json; charset=utf-8', body: genesis }), '/hub.json': hubJson };
      let server;
      try {
        server = await listenHttp(staticHandler({ root: s.dist, routes }), s.host, s.httpPort);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new UsageError(err.code === 'EADDRINUSE' ? `port ${s.httpPort} on ${s.host} is in use` : `cannot serve HTTP on ${s.host}:${s.httpPort}: ${err.message}`);
      }
      const port = (server.address() as { port: number }).port;
      // not built: the page itself says so, and so do we
      if (!hasApp(s.dist)) out(`no app in ${s.dist}: run 'npm run build' (the page says so until then)`);
      out(`serving http://${urlHost(connectHost(s.host))}:${port}/ (the app, /genesis.json, /hub.json)`);
      return async () => {
        stopDowntime();
        await closeHttp(server);
      };
    },
  });
}

/**
 * Downtime: after each commit, the block's LastCommit against the set that signed it; a validator
 * that joined after genesis and missed `k` in a row is removed by a validator-update tx with power 0,
 * submitted here and gossiped by the mempool like any other. A tab that closed stops holding power.
 */
function watchDowntime(node: ConsensusNode, states: LevelStateStore, genesis: GenesisDoc, k: number, out: (line: string) => void): () => void {
  const watcher = new DowntimeWatcher(k, new Set(genesis.validators.map((v) => toHex(v.pubKey))));
  return node.onEvent((e) => {
    if (e.type !== 'NewBlock' || !e.block.lastCommit) return;
    const vals = states.loadValidators(e.block.lastCommit.height);
    if (!vals) return;
    for (const pubKey of watcher.observe(e.block.lastCommit, vals)) {
      const err = node.submitTx(validatorTx(pubKey, 0n, e.block.header.height)); // a second removal is a new tx too
      out(`downtime: ${toHex(addressFromPubKey(pubKey)).toUpperCase()} missed ${k} commits in a row; ${err ? `its removal was refused: ${err}` : 'submitted its removal'}`);
    }
  });
}