// `prevote <command>`: the headless face of Prevote. The commands live in cli.ts.
import { main } from './cli.js';
import { useNodeEd25519 } from '../platform/node/ed25519.js';
import { useNodeSha256 } from '../platform/node/sha256.js';

useNodeEd25519(); // node:crypto signs and verifies ~20× faster than noble, with the same results
useNodeSha256(); // and hashes ~2× faster

// Output piped into `head` (or any reader that stops early): stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
