// Vitest runs in Node: the engine signs and verifies with node:crypto there, as the CLI does
// (the same signatures and verdicts as noble; src/platform/node/ed25519.test.ts checks it).
import { useNodeEd25519 } from '../src/platform/node/ed25519.js';
import { useNodeSha256 } from '../src/platform/node/sha256.js';

useNodeEd25519();
useNodeSha256();
