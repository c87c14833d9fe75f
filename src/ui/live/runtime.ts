// What the live view needs of a browser node, as the entry (main.tsx) hands it over: views may not
// import src/platform (DESIGN.md "Layers"), so this is the shape of startLivePage's result
// (platform/browser/live-page.ts), checked against it where main.tsx passes it in.
import type { LiveCommand, LiveMessage } from '../../observe/live.js';
import type { Source } from '../../observe/protocol.js';

import type { PeerStat } from '../../observe/live.js';

export interface LiveRuntime {
  source: Source<LiveCommand, LiveMessage>;
  /** the page's connections now (cheap: the peers table polls it about once a second) */
  peerStats(): PeerStat[];
  stop(): void;
}
