// Timestamps as the wire has them ({seconds, nanos} since the Unix epoch, UTC). The core never
// reads a clock: "now" arrives with each input as milliseconds.
import type { Timestamp } from './types.js';
import { ValidationError } from './errors.js';

export function timestampFromMillis(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export function timestampToMillis(t: Timestamp): number {
  return t.seconds * 1000 + Math.floor(t.nanos / 1e6);
}

export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  return a.seconds !== b.seconds ? Math.sign(a.seconds - b.seconds) : Math.sign(a.nanos - b.nanos);
}

export function addMillis(t: Timestamp, ms: number): Timestamp {
  const nanos = t.nanos + ms * 1e6;
  const carry = Math.floor(nanos / 1e9);
  return { seconds: t.seconds + carry, nanos: nanos - carry * 1e9 };
}

/** RFC 3339 in UTC with up to nanosecond precision (CometBFT's JSON form). */
export function parseRfc3339(s: string): Timestamp {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) throw new ValidationError('ErrBadTime', `not an RFC 3339 time: ${JSON.stringify(s)}`);
  const [, y, mo, d, h, mi, sec, frac = '', zone] = m;
  let seconds = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec) / 1000;
  if (zone !== 'Z') {
    const sign = zone[0] === '+' ? 1 : -1;
    seconds -= sign * (+zone.slice(1, 3) * 3600 + +zone.slice(4, 6) * 60);
  }
  return { seconds, nanos: Number(frac.padEnd(9, '0')) };
}

export function formatRfc3339(t: Timestamp): string {
  const iso = isoSeconds(t.seconds);
  const frac = t.nanos ? `.${String(t.nanos).padStart(9, '0').replace(/0+$/, '')}` : '';
  return `${iso}${frac}Z`;
}

function isoSeconds(seconds: number): string {
  // Civil-from-days (Howard Hinnant's algorithm): no Date object needed.
  const days = Math.floor(seconds / 86400);
  const rem = seconds - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(y, 4)}-${p(m)}-${p(d)}T${p(Math.floor(rem / 3600))}:${p(Math.floor((rem % 3600) / 60))}:${p(rem % 60)}`;
}
