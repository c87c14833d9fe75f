// The page's half of the WAL debugger (issue 14): starts its worker (wal.worker.ts) and hands the
// views a Source of the WAL debugger's protocol. Files go to the worker as they are (a File is a
// Blob: the worker reads it); nothing leaves the tab.
import type { WalDebuggerCommand, WalDebuggerMessage } from '../../observe/wal-debugger.js';
import type { Source } from '../../observe/protocol.js';

export function startWalPage(): Source<WalDebuggerCommand, WalDebuggerMessage> {
  const worker = new Worker(new URL('./wal.worker.ts', import.meta.url), { type: 'module' });
  let receiver: ((m: WalDebuggerMessage) => void) | null = null;
  const held: WalDebuggerMessage[] = [];
  const pass = (m: WalDebuggerMessage) => (receiver ? receiver(m) : held.push(m));
  worker.onmessage = (e: MessageEvent<WalDebuggerMessage>) => pass(e.data);
  worker.onerror = (e) => pass({ type: 'error', file: -1, message: `the WAL debugger's worker failed: ${e.message || 'it did not load'}` });
  return {
    send: (cmd) => worker.postMessage(cmd),
    onMessage: (cb) => {
      receiver = cb;
      for (const m of held.splice(0)) cb(m);
    },
    close: () => worker.terminate(),
  };
}
