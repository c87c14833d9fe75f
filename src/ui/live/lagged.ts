// Views that a person reads rather than watches (the Inspector's tables, the history slider) need
// not follow a live network at every update (issue 13: frame times stay at 60 fps while the tab
// validates). An update's frame already carries React, the canvases, layout and paint beside
// libp2p; these views were a fifth or so of it. Lagged, they re-render with an update at most
// every `gapMs`, in the same React pass and frame as the rest of that update (a frame of their
// own would cost a layout and paint of its own), and are not visited at all by the others.
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { shallow } from 'zustand/shallow';
import { useUi } from '../store.js';
import type { UiState } from '../store.js';

const NOTHING = (): null => null;
/** With no update to ride on, the last value is shown anyway this long after the gap (ms). */
const TRAILING_MS = 300;

/**
 * `select` of the store, compared shallowly (it may return a new object of the same values).
 * While `on` is false (the classroom, a frozen live view) it follows the store at once, as
 * `useUi` does; while it is true, it takes a store update's value only when `gapMs` has passed
 * since the last one it took. The last value always ends up shown. A value whose `mark` differs
 * from the shown one's is taken at once: the Inspector's height/round/step must not trail the
 * vote grid beside it by half a second (a person sees the two disagree), and it changes a few
 * times a second, not at every update.
 */
export function useLaggedUi<T>(select: (s: UiState) => T, gapMs: number, on: boolean, mark: (value: T) => unknown = NOTHING): T {
  const direct = useUi(useShallow(on ? NOTHING : select));
  const cell = useRef<{ value: T; at: number } | null>(null);
  const params = useRef({ select, gapMs, mark });
  params.current = { select, gapMs, mark };
  // not following before (or never): start from the present, a person just asked for the head
  if (!on) cell.current = null;
  else cell.current ??= { value: select(useUi.getState()), at: performance.now() };

  const subscribe = useCallback((notify: () => void) => {
    let trailing: ReturnType<typeof setTimeout> | undefined;
    const take = () => {
      clearTimeout(trailing);
      trailing = undefined;
      cell.current = { value: params.current.select(useUi.getState()), at: performance.now() };
      notify();
    };
    const unsubscribe = useUi.subscribe((s) => {
      const c = cell.current;
      const { select, gapMs, mark } = params.current;
      const value = select(s);
      if (!c || shallow(value, c.value)) return;
      const wait = c.at + gapMs - performance.now();
      if (wait <= 0 || mark(value) !== mark(c.value)) take();
      else if (trailing === undefined) trailing = setTimeout(take, wait + TRAILING_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(trailing);
    };
  }, []);
  const lagged = useSyncExternalStore(subscribe, () => cell.current?.value ?? null);
  return on ? (lagged as T) : (direct as T);
}
