// The classroom's Web Worker: the ClassroomDriver (a ClassroomSession paced against the wall
// clock) posting frames of the observation model to the page.
/// <reference lib="webworker" />
import type { ClassroomCommand } from '../../observe/classroom.js';
import { installSyncEd25519 } from '../../core/crypto/ed25519.js';
import { ClassroomDriver } from './classroom-driver.js';
import { signingMemo } from './signing-memo.js';

// every copy of the run signs the same messages: each signature is made once (signing-memo.ts),
// by WebCrypto where the browser has Ed25519 (a tenth of noble's time, and off this thread)
const memo = signingMemo();
installSyncEd25519(memo);

// A message to ourselves is the quickest way to let the page's messages in (no 4 ms timer clamp).
const channel = new MessageChannel();
const resumes: (() => void)[] = [];
channel.port1.onmessage = () => resumes.shift()?.();

const driver = new ClassroomDriver((msg, transfer = []) => (self as unknown as Worker).postMessage(msg, transfer), {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  yieldNow: () =>
    new Promise<void>((resolve) => {
      resumes.push(resolve);
      channel.port2.postMessage(null);
    }),
}, (seed, message) => memo.signAsync(seed, message));

self.onmessage = (e: MessageEvent<ClassroomCommand>) => driver.command(e.data);
