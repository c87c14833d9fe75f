// A table body that draws only the rows in view (plus a few), so a table of 99 peers or of many
// rounds costs the same as one of ten: spacer rows stand in for the rest, keeping the scroll height.
import { useState } from 'react';
import type { ReactNode } from 'react';

const OVERSCAN = 4;

export function VirtualTable<T>({ rows, rowHeight, maxHeight, head, row, className, testId }: {
  rows: readonly T[];
  /** every row's height in px (the CSS gives rows this height) */
  rowHeight: number;
  /** the scroll box's height in px */
  maxHeight: number;
  head?: ReactNode;
  row: (r: T, i: number) => ReactNode;
  className?: string;
  testId?: string;
}) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((top + maxHeight) / rowHeight) + OVERSCAN);
  return (
    <div className="virtual" style={{ maxHeight }} onScroll={(e) => setTop(e.currentTarget.scrollTop)}>
      <table className={className} data-testid={testId}>
        {head}
        <tbody>
          {first > 0 && <tr aria-hidden style={{ height: first * rowHeight }} />}
          {rows.slice(first, last).map((r, k) => row(r, first + k))}
          {last < rows.length && <tr aria-hidden style={{ height: (rows.length - last) * rowHeight }} />}
        </tbody>
      </table>
    </div>
  );
}
