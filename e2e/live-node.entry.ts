// Browser side of live-node.spec.ts: the live node's real worker (live.worker.ts, served by the
// spec at /live.worker.js) in a real page — IndexedDB, navigator.locks and WebCrypto in the
// worker — on a chain the tab validates alone (its genesis names the tab's own key), so it
// commits and signs with no network: nobody is at the page's end of the bridge port.
import { toBase64, toHex } from '../src/core/bytes.js';
import { formatRfc3339, timestampFromMillis } from '../src/core/time.js';
import type { LiveStatus } from '../src/observe/live.js';
import { idbKeyVault, loadOrCreateValidatorKey } from '../src/platform/browser/browser-keys.js';
import type { PageToWorker, WorkerToPage } from '../src/platform/browser/live-protocol.js';
import { createVerifier } from '../src/platform/shared/webcrypto-verifier.js';

const CHAIN = 'e2e-live';

declare global {
  interface Window {
    liveStart(): Promise<Record<string, unknown>>;
    liveStatus(): LiveStatus | null;
    liveWal(): Promise<number>;
  }
}

const out: WorkerToPage[] = [];
let worker: Worker | null = null;

/** The chain's genesis, made once (from the tab's validator key) and kept for reloads and other tabs. */
function genesisOf(pubKey: Uint8Array): string {
  const kept = localStorage.getItem(CHAIN);
  if (kept) return kept;
  const json = JSON.stringify({
    genesis_time: formatRfc3339(timestampFromMillis(Date.now())),
    chain_id: CHAIN,
    initial_height: '1',
    validators: [{ address: '', pub_key: { type: 'tendermint/PubKeyEd25519', value: toBase64(pubKey) }, power: '10', name: 'tab' }],
    app_hash: '',
  });
  localStorage.setItem(CHAIN, json);
  return json;
}

const next = (type: WorkerToPage['type']) =>
  new Promise<WorkerToPage>((resolve) => {
    const seen = out.length;
    const poll = () => {
      const m = out.slice(seen).find((x) => x.type === type);
      if (m) resolve(m);
      else setTimeout(poll, 10);
    };
    poll();
  });

window.liveStart = async () => {
  const vault = await idbKeyVault();
  // the genesis needs the key before the node starts: this reads it, or makes it on the first
  // visit, in the page; the worker then finds it in the same IndexedDB
  const key = await loadOrCreateValidatorKey(vault, CHAIN, crypto.subtle);
  const rejects = async (format: 'pkcs8' | 'jwk' | 'raw') => crypto.subtle.exportKey(format, key.privateKey).then(() => false, () => true);
  const msg = new TextEncoder().encode('a vote');
  const sigOk = await (await createVerifier()).verify(key.pubKey, msg, await key.signer.sign(msg));
  worker = new Worker('/live.worker.js', { type: 'module' });
  worker.onmessage = (e: MessageEvent<WorkerToPage>) => void out.push(e.data);
  const { port2 } = new MessageChannel();
  const identity = next('identity');
  worker.postMessage({ type: 'init', genesisJson: genesisOf(key.pubKey), bridge: port2 } satisfies PageToWorker, [port2]);
  const id = (await identity) as Extract<WorkerToPage, { type: 'identity' }>;
  return {
    pubKey: toHex(key.pubKey),
    extractable: key.privateKey.extractable,
    exportRejected: [await rejects('pkcs8'), await rejects('jwk'), await rejects('raw')],
    sigOk,
    nodeKey: toHex(id.nodeKey),
    peerId: id.peerId,
  };
};

window.liveStatus = () => (out.filter((m) => m.type === 'status').at(-1) as { status: LiveStatus } | undefined)?.status ?? null;

window.liveWal = async () => {
  const wal = next('wal');
  worker!.postMessage({ type: 'exportWal' } satisfies PageToWorker);
  return ((await wal) as { bytes: Uint8Array }).bytes.length;
};
