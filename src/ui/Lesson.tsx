// The lesson's caption: which rule just fired, with its source. Presenter keys (PageDown/PageUp)
// and the ◀ ▶ buttons go to the previous or next caption, by event order: captions that come up
// at one virtual moment are shown one after the other; a caption that has not happened yet is
// played to, and the run pauses there. Once the teacher's own action takes the run off the
// lesson's script, the panel says so and offers the lesson back.
import { load, send, useUi } from './store.js';
import { captionIndexAt, captionMove, offScriptStep, shownCaption } from './captions.js';

/**
 * The moment a caption move went back to, until its frame comes: a clicker pressed again in the
 * meantime moves on from there, not from the events of the moment being left.
 */
let seeking: number | null = null;
/**
 * A caption to play to once that moment is shown: played at once, a frame still on its way from
 * the moment being left could count as the caption reached and pause the run where it is.
 */
let playTo: number | null = null;
useUi.subscribe((s, prev) => {
  if (seeking === null) return;
  if (s.frame !== prev.frame && s.frame?.t === seeking) {
    seeking = null;
    if (playTo !== null) play(playTo);
  } else if (s.captionPin === null) {
    // the run was moved by something else (send() lets go of the pinned caption)
    seeking = playTo = null;
  }
});

function play(index: number): void {
  playTo = null;
  useUi.setState({ pauseAtCaption: index, captionPin: null });
  send({ type: 'play' });
}

export function stepCaption(dir: 1 | -1): void {
  const { lesson, events, frame, captionPin } = useUi.getState();
  if (!lesson) return;
  const origin = frame?.origin ?? 0;
  const now = seeking ?? frame?.t ?? 0;
  const known = seeking === null ? events : events.filter((e) => e.time - origin <= now);
  const move = captionMove(lesson, known, origin, now, captionPin, dir);
  if (!move) return;
  switch (move.kind) {
    case 'pin':
      useUi.setState({ captionPin: move.index });
      return;
    case 'seek':
      send({ type: 'seek', t: move.t });
      useUi.setState({ captionPin: move.index });
      seeking = move.t;
      playTo = null;
      return;
    case 'play':
      if (seeking !== null) playTo = move.index;
      else play(move.index);
  }
}

/** The lesson as written, again: from the start, or replayed to the moment shown now. */
function backToLesson(here: boolean): void {
  const { lesson, frame } = useUi.getState();
  if (!lesson) return;
  const t = frame?.t ?? 0;
  load(lesson.scenario, lesson);
  if (here && t > 0) send({ type: 'seek', t });
}

export function LessonPanel() {
  const lesson = useUi((s) => s.lesson);
  const events = useUi((s) => s.events);
  const notice = useUi((s) => s.notice);
  const presenter = useUi((s) => s.presenter);
  const pin = useUi((s) => s.captionPin);
  const yours = useUi((s) => s.yours);
  const scenario = useUi((s) => s.scenario);
  const steps = useUi((s) => s.frame?.steps ?? 0);
  const i = lesson ? shownCaption(captionIndexAt(lesson, events), pin) : -1;
  const off = lesson ? offScriptStep(lesson, scenario) : null;
  const offNow = off !== null && steps >= off;
  return (
    <section className="panel lesson" data-testid="caption">
      {notice && <p className="notice" onClick={() => useUi.setState({ notice: null })}>{notice}</p>}
      {lesson ? (
        <>
          <h2>
            {lesson.title} <span className="muted" data-testid="caption-index">{i + 1}/{lesson.captions.length}</span>
            <span className="captions-nav">
              <button onClick={() => stepCaption(-1)} title="PageUp" disabled={i <= 0}>◀</button>
              <button onClick={() => stepCaption(1)} title="PageDown" data-testid="next-caption" disabled={i >= lesson.captions.length - 1}>▶</button>
              <button className={presenter ? 'on' : ''} onClick={() => useUi.setState({ presenter: !presenter })} title="p">presenter</button>
            </span>
          </h2>
          <p className="summary">{lesson.summary}</p>
          {offNow && (
            <p className="off-script" data-testid="off-script">
              You changed the run: the lesson’s captions no longer apply from here.{' '}
              <button onClick={() => backToLesson(true)} data-testid="back-to-lesson-here">back to the lesson, here</button>{' '}
              <button onClick={() => backToLesson(false)} data-testid="back-to-lesson">from the start</button>
            </p>
          )}
          {i >= 0 ? (
            <p className={offNow ? 'caption stale' : 'caption'} data-testid="caption-text">
              {lesson.captions[i].text} <cite>{lesson.captions[i].cite}</cite>
            </p>
          ) : (
            <p className="caption muted">Press Play (space), Step (→) or ▶ (PageDown) for the first caption.</p>
          )}
        </>
      ) : (
        <h2 data-testid="run-title">{yours ? 'Your network' : 'Shared scenario'}</h2>
      )}
    </section>
  );
}
