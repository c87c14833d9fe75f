// The node's peers: the ones its Switch has (from the worker's status) joined to the page's
// connections (transport, round trip, bytes), which only the page's libp2p knows. Polled about
// once a second: the counters change all the time, and nothing else re-renders for them.
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { peerStats, useUi } from '../store.js';
import { TRANSPORT_TEXT, bytes, peerRows, rtt, shortId } from './format.js';
import type { PeerStat } from '../../observe/live.js';

const POLL_MS = 1000;

export function LivePeers() {
  // every status is a new list: only a different one re-renders the table
  const switchPeers = useUi(useShallow((s) => s.status?.peers ?? null));
  const hadPeers = useUi((s) => s.hadPeers);
  const [links, setLinks] = useState<PeerStat[]>(() => peerStats());
  useEffect(() => {
    const t = setInterval(() => setLinks(peerStats()), POLL_MS);
    return () => clearInterval(t);
  }, []);
  const rows = peerRows(switchPeers ?? [], links);
  return (
    <div className="live-peers">
      <table data-testid="live-peers">
        <caption>Peers <span className="muted">({rows.length})</span></caption>
        <thead>
          <tr><th scope="col">peer</th><th scope="col">transport</th><th scope="col">round trip</th><th scope="col">in</th><th scope="col">out</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td title={r.id}><code>{shortId(r.id)}</code>{!r.inSwitch && <span className="muted"> connecting</span>}</td>
              <td>{r.link ? TRANSPORT_TEXT[r.link.transport] ?? r.link.transport : '—'}</td>
              <td className="num">{rtt(r.link?.rttMs ?? null)}</td>
              <td className="num">{r.link ? bytes(r.link.bytesIn) : '—'}</td>
              <td className="num">{r.link ? bytes(r.link.bytesOut) : '—'}</td>
            </tr>
          ))}
          {rows.length === 0 && <tr><td colSpan={5} className="muted">{hadPeers ? 'none now: redialling the hub' : 'no peers yet'}</td></tr>}
        </tbody>
      </table>
    </div>
  );
}
