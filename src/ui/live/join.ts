// Which page to show: `/?join` or `/?join=<hub multiaddr>` makes the tab a node of the testnet;
// anything else is the classroom. A page served by a hub (`prevote testnet`) answers /hub.json,
// and the classroom then offers the way in.

/** The join request in a page's query, or null for the classroom. */
export function joinRequest(search: string): { hubAddr?: string } | null {
  const p = new URLSearchParams(search);
  if (!p.has('join')) return null;
  const addr = p.get('join')?.trim();
  return addr ? { hubAddr: addr } : {};
}

/** The classroom's address from the live page: the same path without the query. */
export const classroomHref = (path: string): string => path || '/';

/** The live page's address from the classroom. */
export const joinHref = (path: string): string => `${path || '/'}?join`;

/**
 * The hub's chain id when this page is served by a hub, else null. A static server answers
 * /hub.json with the app's index.html (vite preview does): only a JSON object naming a chain counts.
 */
export async function hubChain(get: (path: string) => Promise<Response> = (p) => fetch(p, { cache: 'no-store' })): Promise<string | null> {
  try {
    const r = await get('/hub.json');
    if (!r.ok || !(r.headers.get('content-type') ?? '').includes('json')) return null;
    const body: unknown = await r.json();
    const chainId = (body as { chainId?: unknown } | null)?.chainId;
    return typeof chainId === 'string' && chainId !== '' ? chainId : null;
  } catch {
    return null;
  }
}
