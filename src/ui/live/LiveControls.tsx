// The live view's playback. The network does not stop for us: "Pause" freezes the views while
// frames keep arriving and are kept (the last few minutes, live/history.ts); the slider scrolls
// back through them; "Live" returns to the head.
import { send, useUi } from '../store.js';
import { span, WINDOW_MS } from './history.js';
import { useLaggedUi } from './lagged.js';

/** While live, the slider's end moves a little with every update: once a second is enough (lagged.ts). */
const LIVE_GAP_MS = 1000;

const clock = (ms: number) => new Date(ms).toLocaleTimeString();

export function LiveControls() {
  const frozen = useUi((s) => s.frozen);
  // frozen, the slider shows exactly where the views are; live, its range may trail the head a little
  const history = useLaggedUi((s) => s.history, LIVE_GAP_MS, frozen === null);
  const range = span({ history, frozen });
  const behind = range ? range.to - range.at : 0;
  // a seek is in ms since the head frame's origin, as the classroom's; it freezes at the nearest kept frame
  const scrollTo = (moment: number) => send({ type: 'seek', t: moment - (history.head.frame?.origin ?? 0) });
  return (
    <div className="controls live-controls" role="group" aria-label="History">
      {frozen === null ? (
        <button onClick={() => send({ type: 'pause' })} disabled={!range} title="space: freeze the views; the node goes on">Pause</button>
      ) : (
        <button onClick={() => send({ type: 'play' })} className="on" title="space: back to the head">Live</button>
      )}
      <label>
        history
        <input
          type="range"
          className="seek"
          min={range?.from ?? 0}
          max={range?.to ?? 0}
          step={1}
          value={range?.at ?? 0}
          disabled={!range}
          onChange={(e) => scrollTo(Number(e.target.value))}
          aria-valuetext={frozen === null ? 'live' : `${(behind / 1000).toFixed(1)} seconds behind live`}
          title={`scroll back through the last ${WINDOW_MS / 60_000} minutes (← / →)`}
        />
      </label>
      <span className="time" data-testid="live-position" aria-live="polite">
        {!range ? 'no frames yet' : frozen === null ? <><b className="live-dot" aria-hidden="true">●</b> live</> : `frozen at ${clock(range.at)}, ${(behind / 1000).toFixed(1)} s behind live`}
      </span>
    </div>
  );
}
