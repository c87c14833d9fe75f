// A source that plays back recorded messages (a saved session, a test fixture): `step` delivers
// the next message, `play` the rest, `seek` the state at a moment as one reset frame. Nothing is
// recomputed, so `select` cannot show another node than the recording did.
import type { ObsEvent } from './model.js';
import type { FrameMessage, PlaybackCommand, Source, SourceMessage } from './protocol.js';

export function replaySource(recorded: readonly SourceMessage[]): Source<PlaybackCommand> {
  let cb: (m: SourceMessage) => void = () => undefined;
  let next = 0;
  const deliver = () => cb(structuredClone(recorded[next++]));
  return {
    send(cmd) {
      switch (cmd.type) {
        case 'step':
          if (next < recorded.length) deliver();
          return;
        case 'play':
          while (next < recorded.length) deliver();
          return;
        case 'seek': {
          // the history up to the last frame at or before t, as one frame
          let events: ObsEvent[] = [];
          let at: FrameMessage | null = null;
          let i = 0;
          for (; i < recorded.length; i++) {
            const m = recorded[i];
            if (m.type !== 'frame') continue;
            if (at && m.frame.t > cmd.t) break;
            events = m.reset ? [...m.events] : events.concat(m.events);
            at = m;
          }
          next = i;
          if (at) cb(structuredClone({ ...at, reset: true, events, playing: false }));
          return;
        }
        default:
          return; // pause, speed, select: a recording has nothing to change
      }
    },
    onMessage(f) {
      cb = f;
    },
    close() {
      cb = () => undefined;
    },
  };
}
