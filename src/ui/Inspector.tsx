// The selected node's RoundState, the selected event, the checkers' verdicts, and what this node
// knows of each peer (PeerRoundState) with what each peer is missing. The peers table draws only
// the rows in view (a full mesh of 100 has 99 peers). In presenter mode the tables wait until asked for.
import { useUi } from './store.js';
import type { UiState } from './store.js';
import { positionText, shortStep } from './colors.js';
import { missing } from './missing.js';
import { ruleOf } from './rules.js';
import { bitArrayString, blockIdShort, eventLine, shortHash } from '../observe/format.js';
import type { Bits } from '../observe/model.js';
import { nameOf, nameOfAddress, validatorNames } from './names.js';
import { conflictingVotes } from './evidence.js';
import { VirtualTable } from './classroom/VirtualRows.js';
import { useLaggedUi } from './live/lagged.js';

const ba = (b: Bits | null) => (b ? bitArrayString(b) : '');

/** A value with a block hash in it, wider than a narrow panel: cut with an ellipsis, whole on hover. */
function Value({ text }: { text: string }) {
  return <dd className="value" title={text}>{text}</dd>;
}

/** A peers row's height in px (styles.css: .peers tr). */
const PEER_ROW = 21;
/** Following a live network, the inspector is read, not watched: twice a second is enough (live/lagged.ts). */
const LIVE_GAP_MS = 500;

/**
 * The selected node's height/round/step and its LastCommit's count: shown as soon as they change,
 * with the grid beside it (a late precommit left the two LastCommits disagreeing for half a second).
 */
const stepMark = ({ frame }: { frame: UiState['frame'] }) => {
  const rs = frame?.roundState;
  return rs ? `${frame.selected} ${rs.height}/${rs.round}/${rs.step} ${rs.lastCommit?.bitArray.indices.length ?? 0}` : frame?.selected;
};

export function Inspector() {
  const following = useUi((s) => s.mode === 'live' && s.frozen === null);
  const { frame, events } = useLaggedUi((s) => ({ frame: s.frame, events: s.events }), LIVE_GAP_MS, following, stepMark);
  const ev = useUi((s) => s.selectedEvent);
  const presenter = useUi((s) => s.presenter);
  const tables = useUi((s) => !s.presenter || s.presenterTables);
  if (!frame) return <section className="panel inspector" />;
  const rs = frame.roundState;
  const rule = ev && ruleOf(ev);
  const name = (id: string) => nameOf(frame, id);
  const validators = validatorNames(frame, rs, events);
  /** a validator by its address: its node's name */
  const who = (address: string) => nameOfAddress(validators, frame, events, address);
  const selectedNode = frame.nodes.find((x) => x.id === frame.selected);
  // a WAL without a genesis cannot say who proposed ('')
  const proposerName = !rs ? '' : selectedNode?.proposer ? name(selectedNode.proposer) : rs.proposer ? who(rs.proposer) : '—';
  const evidence = ev?.type === 'Evidence' ? conflictingVotes(ev, events) : [];
  const list = (xs: string[]) => (xs.length === 0 ? '—' : xs.length <= 3 ? xs.join(', ') : `${xs.slice(0, 2).join(', ')} +${xs.length - 2}`);
  return (
    <section className="panel inspector">
      <h2>
        Inspector
        {presenter && (
          <button className="tables-toggle" onClick={() => useUi.setState({ presenterTables: !tables })} data-testid="show-tables">{tables ? 'hide the tables' : 'show the tables'}</button>
        )}
      </h2>
      <div className="checks" data-testid="checks">
        {frame.checks.map((c) => (
          <span key={c.name} className={c.ok ? 'ok' : 'bad'} title={c.details.join('\n')}>{c.ok ? '✓' : '✗'} {c.name}{c.ok ? '' : `: ${c.details[0] ?? ''}`}</span>
        ))}
      </div>
      {ev && (
        <div className="event">
          <b>{ev.type}</b> at {((ev.time - frame.origin) / 1000).toFixed(3)} s on {name(ev.node)} · {ev.height}/{ev.round}/{shortStep(ev.step)}
          <div><code>{eventLine(ev, who)}</code></div>
          {ev.type === 'Evidence' && (
            <div className="evidence" data-testid="evidence">
              <b>{who(ev.validatorAddress)}</b> signed two different {ev.voteType}s for height {ev.voteHeight}, round {ev.voteRound}:
              <ul>
                {evidence.map((v) => v.type === 'Vote' && (
                  <li key={v.vote.blockId.hash + v.vote.blockId.partSetHeader.hash}>{v.vote.type} {v.vote.height}/{v.vote.round} for <code>{blockIdShort(v.vote.blockId)}</code> <span className="muted">(seen by {name(v.node)})</span></li>
                ))}
                {evidence.length < 2 && <li className="muted">a second {ev.voteType} for another block, seen by {name(ev.node)} only</li>}
              </ul>
            </div>
          )}
          {rule && <div className="rule" data-testid="rule">{rule.text} <cite>{rule.cite}</cite></div>}
        </div>
      )}
      {rs ? (
        <dl className="rs" data-testid="round-state">
          <dt>height/round/step</dt><dd>{positionText(rs)}</dd>
          <dt>proposer</dt><dd title={rs.proposer ? `address ${rs.proposer.toUpperCase()}` : 'not known: a WAL names no proposer (a genesis beside it does, by the key that verifies the proposal)'} data-testid="proposer">{proposerName}</dd>
          <dt>proposal</dt><Value text={rs.proposal ? `round ${rs.proposal.round}, POL ${rs.proposal.polRound}, ${blockIdShort(rs.proposal.blockId)}` : '—'} />
          <dt>block parts</dt><dd><code>{rs.proposalBlockParts ? bitArrayString(rs.proposalBlockParts) : '—'}</code></dd>
          <dt>locked</dt><Value text={rs.lockedRound >= 0 ? `round ${rs.lockedRound}: ${rs.lockedBlock && shortHash(rs.lockedBlock)}` : '—'} />
          <dt>valid</dt><Value text={rs.validRound >= 0 ? `round ${rs.validRound}: ${rs.validBlock && shortHash(rs.validBlock)}` : '—'} />
          <dt>LastCommit</dt><dd><code>{rs.lastCommit ? bitArrayString(rs.lastCommit.bitArray) : '—'}</code></dd>
        </dl>
      ) : (
        <p className="muted">{name(frame.selected)} is down.</p>
      )}
      {tables && frame.peers.length > 0 && (
        <>
          <h3>Peers of {name(frame.selected)} (PeerRoundState)</h3>
          <VirtualTable className="peers" testId="peers" rows={frame.peers} rowHeight={PEER_ROW} maxHeight={12 * PEER_ROW + 24}
            head={<thead><tr><th>peer</th><th>h/r/step</th><th>proposal · parts</th><th>prevotes</th><th>precommits</th><th>LastCommit · catch-up</th><th title="what n has that the peer lacks: what gossip sends next">peer lacks</th><th>{name(frame.selected)} lacks</th></tr></thead>}
            row={(p) => {
              const m = rs ? missing(rs, p) : null;
              // the table fits the panel (styles.css): a value cut short is whole in its cell's title
              const hrs = `${p.height}/${p.round}/${shortStep(p.step ?? '-')}`;
              const proposal = `${p.proposal ? '✓' : '·'} ${ba(p.proposalBlockParts)}`;
              const last = ba(p.lastCommit) + (p.catchupCommit ? ` · ${ba(p.catchupCommit)}` : '');
              return (
                <tr key={p.peer}>
                  <td title={name(p.peer)}>{name(p.peer)}</td>
                  <td title={hrs}>{hrs}</td>
                  <td title={proposal}>{p.proposal ? '✓' : '·'} <code>{ba(p.proposalBlockParts)}</code></td>
                  <td title={ba(p.prevotes)}><code>{ba(p.prevotes)}</code></td>
                  <td title={ba(p.precommits)}><code>{ba(p.precommits)}</code></td>
                  <td title={last}><code>{ba(p.lastCommit)}</code>{p.catchupCommit && <> · <code>{ba(p.catchupCommit)}</code></>}</td>
                  <td title={m?.peerLacks.join('\n')}>{m && list(m.peerLacks)}</td>
                  <td title={m?.nodeLacks.join('\n')}>{m && list(m.nodeLacks)}</td>
                </tr>
              );
            }} />
        </>
      )}
    </section>
  );
}
