// What the WAL debugger's views need of its worker, as the entry (main.tsx) hands it over: views may
// not import src/platform (DESIGN.md "Layers"), so this is the shape of startWalPage's result
// (platform/browser/wal-page.ts), checked against it where main.tsx passes it in.
import type { WalDebuggerCommand, WalDebuggerMessage } from '../../observe/wal-debugger.js';
import type { Source } from '../../observe/protocol.js';

export type WalRuntime = Source<WalDebuggerCommand, WalDebuggerMessage>;
