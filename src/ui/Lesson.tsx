// The lesson's caption: which rule just fired, with its source. Presenter keys (PageDown/PageUp)
// jump to the moment of the next or previous caption.
import { useUi } from './store.js';
import { captionIndexAt } from './captions.js';

export function LessonPanel() {
  const lesson = useUi((s) => s.lesson);
  const events = useUi((s) => s.events);
  const notice = useUi((s) => s.notice);
  const i = lesson ? captionIndexAt(lesson, events) : -1;
  return (
    <section className="panel lesson" data-testid="caption">
      {notice && <p className="notice" onClick={() => useUi.setState({ notice: null })}>{notice}</p>}
      {lesson ? (
        <>
          <h2>{lesson.title} <span className="muted">{i + 1}/{lesson.captions.length}</span></h2>
          <p className="summary">{lesson.summary}</p>
          {i >= 0 ? (
            <p className="caption">
              {lesson.captions[i].text} <cite>{lesson.captions[i].cite}</cite>
            </p>
          ) : (
            <p className="caption muted">Press Play (space) or Step (→).</p>
          )}
        </>
      ) : (
        <h2>Shared scenario</h2>
      )}
    </section>
  );
}
