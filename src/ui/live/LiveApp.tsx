// The live view (`/?join`): this tab's node on top, then the same views as the classroom's
// (network, HeightVoteSet, inspector, timeline), drawn from the node's frames. The classroom's
// fault controls are not drawn here (Network.tsx) and its partition button is hidden (styles.css,
// .app.live): a live network is not ours to break.
import { liveStage, useUi } from '../store.js';
import { Network } from '../Network.js';
import { VoteGrid } from '../VoteGrid.js';
import { Inspector } from '../Inspector.js';
import { Timeline } from '../Timeline.js';
import { LivePanel } from './LivePanel.js';
import { LiveControls } from './LiveControls.js';
import { classroomHref } from './join.js';

export function LiveApp() {
  const chainId = useUi((s) => s.status?.chainId);
  const hasFrame = useUi((s) => s.frame !== null);
  const stopped = useUi((s) => liveStage(s).stage === 'stopped');
  return (
    <div className="app live">
      <header>
        <h1>Prevote <span className="muted">· live testnet{chainId ? ` ${chainId}` : ''}</span></h1>
        <LiveControls />
        <a className="nav-link" href={classroomHref(location.pathname)}>Open the classroom</a>
      </header>
      <LivePanel />
      {hasFrame ? (
        <>
          <main>
            <Network />
            <VoteGrid />
            <Inspector />
          </main>
          <Timeline />
        </>
      ) : (
        <p className="panel muted waiting">{stopped ? 'The node stopped before it sent a round state.' : 'Waiting for the node’s first round state…'}</p>
      )}
    </div>
  );
}
