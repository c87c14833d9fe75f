// Which page to show and where to go: `/?wal` opens the WAL debugger; a shared link adds the
// position and the files it refers to (`?wal&at=<records applied>&file=<name>…`, the first file
// being the one the position is in). The link carries no file: whoever opens it drops the same
// files, and the debugger then goes there.

export interface WalLink {
  /** names of the files the link was made with; the first is the one `at` refers to */
  files: string[];
  /** records applied at the position, or null */
  at: number | null;
}

/** The WAL debugger request in a page's query, or null for another page. */
export function walRequest(search: string): WalLink | null {
  const p = new URLSearchParams(search);
  if (!p.has('wal')) return null;
  const at = p.get('at');
  return { files: p.getAll('file').filter((f) => f !== ''), at: at !== null && /^\d{1,15}$/.test(at) ? Number(at) : null };
}

/** A link to `at` records applied in `files[0]`, with the other files named. */
export function walHref(path: string, files: string[], at: number): string {
  return `${path || '/'}?wal&at=${at}${files.map((f) => `&file=${encodeURIComponent(f)}`).join('')}`;
}

/** The WAL debugger's address from the classroom. */
export const walModeHref = (path: string): string => `${path || '/'}?wal`;
