#!/usr/bin/env node
// The `prevote` command. Runs the TypeScript sources through tsx, so a clone works after `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
