// Ed25519 through WebCrypto (browser and Node), about ten times faster than pure JS
// (notes/performance.md). WebCrypto follows RFC 8032 strictly and rejects some signatures that
// CometBFT accepts under ZIP-215, so a rejection is re-checked with @noble/ed25519 before it
// counts: both paths then give the ZIP-215 verdict. Public keys are imported once and cached.
import type { Ed25519Verifier, VerifyItem } from '../../core/crypto/ed25519.js';
import { nobleVerifier, publicKeyFromSeed, signSync, verifySync } from '../../core/crypto/ed25519.js';
import { concat, toHex } from '../../core/bytes.js';
import type { KeySigner } from '../../node/priv-validator.js';

const ALGORITHM = { name: 'Ed25519' } as const;
const KEY_CACHE_LIMIT = 10_000;

export interface VerifierStats {
  webcrypto: number;
  /** Rejections by WebCrypto that ZIP-215 accepted. */
  rescued: number;
}

function subtle(): SubtleCrypto | null {
  return (globalThis.crypto?.subtle as SubtleCrypto | undefined) ?? null;
}

/** Does this runtime's WebCrypto do Ed25519? */
export async function webCryptoHasEd25519(): Promise<boolean> {
  const s = subtle();
  if (!s) return false;
  try {
    await s.importKey('raw', publicKeyFromSeed(new Uint8Array(32)) as BufferSource, ALGORITHM, false, ['verify']);
    return true;
  } catch {
    return false;
  }
}

export class WebCryptoVerifier implements Ed25519Verifier {
  private readonly keys = new Map<string, Promise<CryptoKey | null>>();
  readonly stats: VerifierStats = { webcrypto: 0, rescued: 0 };

  constructor(private readonly s: SubtleCrypto) {}

  private key(pubKey: Uint8Array): Promise<CryptoKey | null> {
    const id = toHex(pubKey);
    let k = this.keys.get(id);
    if (!k) {
      if (this.keys.size >= KEY_CACHE_LIMIT) this.keys.delete(this.keys.keys().next().value!);
      // a key WebCrypto cannot import (e.g. non-canonical) is left to the ZIP-215 check
      k = this.s.importKey('raw', pubKey as BufferSource, ALGORITHM, false, ['verify']).catch(() => null);
      this.keys.set(id, k);
    }
    return k;
  }

  /** WebCrypto's verdict alone: true is final; false may be a signature ZIP-215 accepts. */
  async verifyStrict(pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    if (pubKey.length !== 32 || signature.length !== 64) return false;
    const key = await this.key(pubKey);
    if (!key) return false;
    this.stats.webcrypto++;
    try {
      return await this.s.verify(ALGORITHM, key, signature as BufferSource, message as BufferSource);
    } catch {
      return false;
    }
  }

  async verify(pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    if (pubKey.length !== 32 || signature.length !== 64) return false;
    if (await this.verifyStrict(pubKey, message, signature)) return true;
    const rescued = verifySync(pubKey, message, signature);
    if (rescued) this.stats.rescued++;
    return rescued;
  }

  verifyBatch(items: VerifyItem[]): Promise<boolean[]> {
    return Promise.all(items.map((it) => this.verify(it.pubKey, it.message, it.signature)));
  }
}

/** The fastest verifier this runtime has, with ZIP-215 verdicts either way. */
export async function createVerifier(): Promise<Ed25519Verifier> {
  const s = subtle();
  return s && (await webCryptoHasEd25519()) ? new WebCryptoVerifier(s) : nobleVerifier;
}

/** PKCS#8 wrapping of a 32-byte Ed25519 seed (RFC 8410). */
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

/** A signer for a seed: WebCrypto where present (same deterministic signatures), else noble. */
export async function createKeySigner(seed: Uint8Array): Promise<KeySigner> {
  const pubKey = publicKeyFromSeed(seed);
  const s = subtle();
  if (s && (await webCryptoHasEd25519())) {
    const key = await s.importKey('pkcs8', concat(PKCS8_PREFIX, seed) as BufferSource, ALGORITHM, false, ['sign']);
    return { pubKey, sign: async (msg) => new Uint8Array(await s.sign(ALGORITHM, key, msg as BufferSource)) };
  }
  return { pubKey, sign: async (msg) => signSync(seed, msg) };
}
