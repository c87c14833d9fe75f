// The lesson's caption: which rule just fired, with its source. Presenter keys (PageDown/PageUp)
// and the ◀ ▶ buttons go to the moment of the previous or next caption; a caption that has not
// happened yet is played to, and the run pauses there.
import { send, useUi } from './store.js';
import { captionIndexAt, captionTimes } from './captions.js';

export function stepCaption(dir: 1 | -1): void {
  const { lesson, events, frame } = useUi.getState();
  if (!lesson) return;
  const origin = frame?.origin ?? 0;
  const times = captionTimes(lesson, events).map((x) => x - origin);
  const now = frame?.t ?? 0;
  const shown = times.filter((x) => x <= now).length - 1;
  const target = shown + dir;
  if (target < 0 || target >= lesson.captions.length) return;
  if (target < times.length) return send({ type: 'seek', t: times[target] + 1 });
  useUi.setState({ pauseAtCaption: target });
  send({ type: 'play' });
}

export function LessonPanel() {
  const lesson = useUi((s) => s.lesson);
  const events = useUi((s) => s.events);
  const notice = useUi((s) => s.notice);
  const presenter = useUi((s) => s.presenter);
  const i = lesson ? captionIndexAt(lesson, events) : -1;
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
          {i >= 0 ? (
            <p className="caption">
              {lesson.captions[i].text} <cite>{lesson.captions[i].cite}</cite>
            </p>
          ) : (
            <p className="caption muted">Press Play (space), Step (→) or ▶ (PageDown) for the first caption.</p>
          )}
        </>
      ) : (
        <h2>Shared scenario</h2>
      )}
    </section>
  );
}
