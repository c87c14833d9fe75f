// The WAL debugger's Web Worker (issue 14): reading, scanning, verifying and replaying happen here,
// so the page stays responsive while a 64 MB group is read. This file only gives the session
// (observe/wal-session.ts) the browser's pieces: postMessage and WebCrypto's Ed25519.
/// <reference lib="webworker" />
import type { WalDebuggerCommand } from '../../observe/wal-debugger.js';
import { WalDebuggerSession } from '../../observe/wal-session.js';
import { createVerifier } from '../shared/webcrypto-verifier.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** Frames of the watched file carry at most this many events (the page's log stays bounded). */
const WINDOW = 3000;

// commands are carried out one at a time, in order: a step sent during a load waits for it
let queue = createVerifier().then((verifier) => new WalDebuggerSession((m) => scope.postMessage(m), { verifier, window: WINDOW }));

scope.onmessage = (e: MessageEvent<WalDebuggerCommand>) => {
  queue = queue.then(async (session) => {
    await session.handle(e.data);
    return session;
  });
};
