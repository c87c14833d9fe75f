// The page's half of a browser node (issue 13): fetch the chain from the hub that served the page,
// start the node's worker, give it the bridge port, and once it says who we are (its node key),
// start libp2p here and bridge it to the worker's Switch. The views get a Source like any other:
// commands go to the worker, its observation frames and statuses come back (paced to the page's
// animation frames, live-pacer.ts); the page adds what only it knows, each peer's connection (peerStats).
import type { LiveCommand, LiveMessage } from '../../observe/live.js';
import type { Source } from '../../observe/protocol.js';
import type { PageToWorker, PeerStat, WorkerToPage } from './live-protocol.js';
import { errorText } from './bridge-protocol.js';
import { NODE_CHANNELS } from '../../node/channel-descriptors.js';
import { bridge } from './page-bridge.js';
import { ViewPacer } from './live-pacer.js';
import type { PageTransport } from './page-transport.js';
import { createPageTransport } from './page-transport.js';

export interface LivePageOptions {
  /** Where the hub serves /genesis.json and /hub.json: the page's own origin when the hub served it. */
  origin: string;
  /** The hub's WebSockets multiaddr (`?join=<addr>`), instead of the first one in /hub.json. */
  hubAddr?: string;
  /** The node's worker (default: live.worker.ts); tests bring a stand-in. */
  worker?: Worker;
}

export interface LivePage {
  source: Source<LiveCommand, LiveMessage>;
  /** The page's connections now (cheap: no I/O). */
  peerStats(): PeerStat[];
  stop(): void;
}

/** What /hub.json says (cli/hub.ts). */
interface HubJson {
  chainId: string;
  peerId: string;
  ws: string[];
}

async function fetchOk(url: string): Promise<Response> {
  let r: Response;
  try {
    r = await fetch(url, { cache: 'no-store' });
  } catch (e) {
    throw new Error(`cannot fetch ${url}: ${errorText(e)}`);
  }
  if (!r.ok) throw new Error(`${url} answered ${r.status} ${r.statusText}`);
  return r;
}

/** The hub's address for a browser: its first WebSockets address (the hub lists the nearest first). */
function hubAddrOf(hub: HubJson, genesisJson: string): string {
  if (typeof hub?.peerId !== 'string' || !Array.isArray(hub.ws)) throw new Error('/hub.json is not a hub’s (no peerId and ws addresses)');
  const chainId = (JSON.parse(genesisJson) as { chain_id?: unknown }).chain_id;
  if (chainId !== hub.chainId) throw new Error(`the hub runs chain ${hub.chainId}, its genesis says ${JSON.stringify(chainId)}`);
  const addr = hub.ws.find((a) => typeof a === 'string' && a.endsWith(`/p2p/${hub.peerId}`));
  if (!addr) throw new Error('the hub lists no WebSockets address a browser can dial');
  return addr;
}

export async function startLivePage(o: LivePageOptions): Promise<LivePage> {
  const origin = o.origin.replace(/\/+$/, '');
  const genesisJson = await (await fetchOk(`${origin}/genesis.json`)).text();
  try {
    JSON.parse(genesisJson);
  } catch {
    throw new Error(`${origin}/genesis.json is not JSON: is this page served by a hub ('prevote hub' or 'prevote testnet')?`);
  }
  const hubAddr = o.hubAddr ?? hubAddrOf((await (await fetchOk(`${origin}/hub.json`)).json()) as HubJson, genesisJson);

  const worker = o.worker ?? new Worker(new URL('./live.worker.ts', import.meta.url), { type: 'module' });
  const { port1: ours, port2: theirs } = new MessageChannel();
  let transport: PageTransport | null = null;
  let unbridge: (() => void) | null = null;
  let stopped = false;
  let workerStopped = false;

  // the worker's messages: held until the views register, then passed on as they come
  let receiver: ((m: LiveMessage) => void) | null = null;
  const held: LiveMessage[] = [];
  // statuses and frames reach the views in animation frames that came on time (live-pacer.ts)
  const pacer = new ViewPacer((m) => {
    if (receiver) receiver(m);
    else held.push(m);
  });
  const pass = (m: LiveMessage) => pacer.push(m);
  let settled = false;
  let identity: (id: Extract<WorkerToPage, { type: 'identity' }> | null) => void = () => undefined;
  let failed: (e: Error) => void = () => undefined;
  const identified = new Promise<Extract<WorkerToPage, { type: 'identity' }> | null>((resolve, reject) => {
    identity = (id) => {
      settled = true;
      resolve(id);
    };
    failed = reject;
  });
  worker.addEventListener('message', (e: MessageEvent<WorkerToPage>) => {
    const m = e.data;
    if (m.type === 'identity') return identity(m);
    if (m.type === 'status' && m.status.stage === 'stopped') {
      // stopped before it knew its key (unusable genesis, no storage): no libp2p, the views say why;
      // stopped later: a node that no longer reads its port is no peer to anyone, hang up
      identity(null);
      workerStopped = true;
      hangUp();
    }
    pass(m);
  });
  // a worker that does not load fails the start; an uncaught error later is shown like any other
  worker.addEventListener('error', (e) => {
    const message = `the node's worker failed: ${e.message || 'it did not load'}`;
    if (settled) pass({ type: 'error', message });
    else failed(new Error(message));
  });

  const hangUp = () => {
    unbridge?.();
    unbridge = null;
    void transport?.stop().catch(() => undefined);
  };
  const stop = () => {
    if (stopped) return;
    stopped = true;
    hangUp();
    worker.terminate();
    ours.close();
  };

  try {
    worker.postMessage({ type: 'init', genesisJson, bridge: theirs } satisfies PageToWorker, [theirs]);
    const id = await identified;
    if (id) {
      transport = await createPageTransport({ nodeKey: id.nodeKey, hubAddr, channels: NODE_CHANNELS });
      if (transport.peerId !== id.peerId) throw new Error(`the worker's peer id ${id.peerId} is not its node key's (${transport.peerId})`);
      unbridge = bridge(transport, ours);
      await transport.start();
      if (workerStopped) hangUp(); // it stopped while we were starting
    }
  } catch (e) {
    stop();
    throw e;
  }

  const source: Source<LiveCommand, LiveMessage> = {
    send: (cmd) => {
      if (!stopped) worker.postMessage(cmd satisfies PageToWorker);
    },
    onMessage: (cb) => {
      receiver = cb;
      for (const m of held.splice(0)) cb(m);
    },
    close: stop,
  };
  return { source, peerStats: () => transport?.peerStats() ?? [], stop };
}
