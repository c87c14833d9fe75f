// The page of the `browser` bench (bench/browser-validators.ts), served from 127.0.0.1 beside the
// hub's /genesis.json and /hub.json:
//   - benchPutKey: stores a validator key in this profile's key vault (the app's own IndexedDB
//     'prevote-keys', through idbKeyVault) as a non-extractable WebCrypto key pair imported from a
//     seed, so the node's worker finds the genesis validator's key as if it had made it itself;
//   - benchStart: the browser node as the app starts it (startLivePage: worker, bridge, libp2p on
//     this page), its worker being the one served next to this bundle
//     (browser-validator.worker.entry.ts);
//   - the floor's in-page figures: WebCrypto verification through the project's verifier, and
//     IndexedDB durable writes (bench/idb.entry.ts's benchIdb, imported as it is).
import './idb.entry.js';
import { startLivePage } from '../src/platform/browser/live-page.js';
import type { LivePage } from '../src/platform/browser/live-page.js';
import type { PeerStat } from '../src/platform/browser/live-protocol.js';
import { idbKeyVault } from '../src/platform/browser/browser-keys.js';
import { createVerifier } from '../src/platform/shared/webcrypto-verifier.js';
import { fromHex } from '../src/core/bytes.js';

export interface VerifyFloor {
  /** the project verifier (WebCrypto) over batches of 256: verifications per second */
  batchVerifiesPerSecond: number;
  /** one verify call at a time: p50 latency */
  singleVerifyP50Ms: number;
}

declare global {
  interface Window {
    benchPutKey(seedHex: string, pubKeyHex: string, chainId: string): Promise<void>;
    benchStart(): Promise<void>;
    benchPeers(): PeerStat[];
    benchVerify(items: { pubKey: string; message: string; signature: string }[], ms: number): Promise<VerifyFloor>;
  }
}

/** PKCS#8 for an Ed25519 private key: this DER prefix, then the 32-byte seed (RFC 8410). */
const PKCS8_ED25519 = '302e020100300506032b657004220420';

window.benchPutKey = async (seedHex, pubKeyHex, chainId) => {
  const privateKey = await crypto.subtle.importKey('pkcs8', fromHex(PKCS8_ED25519 + seedHex) as BufferSource, { name: 'Ed25519' }, false, ['sign']);
  // the record browser-keys.ts keeps under `validator/<chain id>`: the CryptoKey and the raw public key
  await (await idbKeyVault()).put(`validator/${chainId}`, { privateKey, pubKey: fromHex(pubKeyHex) });
};

let live: LivePage | null = null;

window.benchStart = async () => {
  live = await startLivePage({ origin: location.origin });
  // the views would take these; nobody draws here, and held messages would pile up
  live.source.onMessage(() => undefined);
};

window.benchPeers = () => live?.peerStats() ?? [];

window.benchVerify = async (hexItems, ms) => {
  const items = hexItems.map((x) => ({ pubKey: fromHex(x.pubKey), message: fromHex(x.message), signature: fromHex(x.signature) }));
  const verifier = await createVerifier();
  const batch = Array.from({ length: 256 }, (_, i) => items[i % items.length]);
  await verifier.verifyBatch(batch); // warm up: keys imported, JIT
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    const ok = await verifier.verifyBatch(batch);
    if (!ok.every(Boolean)) throw new Error('a bench signature did not verify');
    n += batch.length;
  }
  const batchVerifiesPerSecond = n / ((performance.now() - start) / 1000);
  const single: number[] = [];
  for (let i = 0; i < 300; i++) {
    const it = items[i % items.length];
    const t = performance.now();
    await verifier.verify(it.pubKey, it.message, it.signature);
    single.push(performance.now() - t);
  }
  single.sort((a, b) => a - b);
  return { batchVerifiesPerSecond, singleVerifyP50Ms: single[150] };
};
