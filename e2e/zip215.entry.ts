// Browser side of zip215.spec.ts: runs the project's verifier on vectors handed in by the test.
import { createVerifier, webCryptoHasEd25519, WebCryptoVerifier } from '../src/platform/shared/webcrypto-verifier.js';
import { fromHex } from '../src/core/bytes.js';

declare global {
  interface Window {
    verifyZip215(cases: { pubkey: string; msg: string; sig: string }[]): Promise<{ webcrypto: boolean; verdicts: boolean[]; rescued: number }>;
  }
}

window.verifyZip215 = async (cases) => {
  const v = await createVerifier();
  const verdicts = await v.verifyBatch(cases.map((c) => ({ pubKey: fromHex(c.pubkey), message: fromHex(c.msg), signature: fromHex(c.sig) })));
  return { webcrypto: await webCryptoHasEd25519(), verdicts, rescued: v instanceof WebCryptoVerifier ? v.stats.rescued : 0 };
};
