// Why the height did not commit, for the file being replayed (observe/diagnosis.ts): the sentence
// in large type, then per round the proposal and its parts against timeout_propose, who prevoted
// and precommitted a block, nil or nothing (with the power behind each), whether +2/3 formed, and
// the node's own votes and lock. A row's round is a button: the console goes to that round.
import type { RoundDiagnosis, VoteTally } from '../../observe/diagnosis.js';
import { shortHash } from '../../observe/format.js';
import { walSend } from './debugger.js';
import { useWal } from './state.js';

const ms = (x: number | null) => (x === null ? '—' : `${Math.round(x)} ms`);
const block = (h: string | null) => (h === null ? '—' : h === 'nil' ? 'nil' : shortHash(h));

function Tally({ t }: { t: VoteTally }) {
  const parts: string[] = [];
  for (const [hash, ix] of Object.entries(t.blocks)) parts.push(`${shortHash(hash)}: ${ix.length} (power ${t.power.blocks[hash]})`);
  if (t.nil.length) parts.push(`nil: ${t.nil.length} (power ${t.power.nil})`);
  if (t.absent.length) parts.push(`absent: ${t.absent.length} (power ${t.power.absent})`);
  return <>{parts.join(' · ') || '—'}</>;
}

const twoThirds = (t: VoteTally) => (t.twoThirds === null ? 'no' : t.twoThirds === 'any' ? 'any (split)' : block(t.twoThirds));

function proposal(r: RoundDiagnosis): string {
  const p = r.proposal;
  if (p.block === null) return p.parts.got ? `none (${p.parts.got} parts)` : 'none';
  return `${p.block ? shortHash(p.block) : '(v0.10: no hash)'}${p.own ? ' (own)' : ''}, parts ${p.parts.got}/${p.parts.total}`;
}

export function DiagnosisPanel() {
  const d = useWal((s) => (s.selected === null ? undefined : s.diagnosis[s.selected]));
  const genesis = useWal((s) => s.files.find((f) => f.id === s.selected)?.genesis ?? null);
  if (!d) return null;
  const height = d.height;
  // a genesis whose validators are not the ones voting (an app that set its own) does not weigh the votes
  const why = genesis ? 'the genesis’ validators are not the ones voting' : 'no genesis';
  if (d.cause === 'no-records') {
    return (
      <section className="panel diagnosis" aria-label="Diagnosis">
        <h2>Diagnosis</h2>
        <p className="sentence" data-testid="diagnosis-sentence">{d.sentence}</p>
      </section>
    );
  }
  return (
    <section className="panel diagnosis" aria-label="Diagnosis">
      <h2>
        Diagnosis of height {height}{' '}
        <span className="muted">{`${d.validators} validator${d.validators === 1 ? '' : 's'} `}{d.validatorsKnown ? 'from the genesis' : `as the votes show, power 1 each (${why})`} · voted: {d.voters.length ? d.voters.map((i) => `v${i}`).join(', ') : 'nobody'}</span>
      </h2>
      <p className="sentence" data-testid="diagnosis-sentence">{d.sentence}</p>
      {d.rounds.length > 0 && (
        <div className="rounds">
          <table aria-label={`Rounds of height ${height}`}>
            <thead>
              <tr>
                <th>round</th><th>started</th><th>proposal</th><th>proposal in</th><th>parts complete</th><th>timeout_propose</th>
                <th>prevotes</th><th>+2/3 prevotes</th><th>precommits</th><th>+2/3 precommits</th><th>own prevote</th><th>own precommit</th><th>locked on</th>
              </tr>
            </thead>
            <tbody>
              {d.rounds.map((r) => (
                <tr key={r.round}>
                  <th scope="row"><button type="button" className="link-button" onClick={() => walSend({ type: 'seekHeight', height, round: r.round })} title="go to this round in the console">{r.round}</button></th>
                  <td className="num">{ms(r.start)}</td>
                  <td>{proposal(r)}</td>
                  <td className="num">{ms(r.proposal.at)}</td>
                  <td className={r.timeoutPropose !== null && r.proposal.completeAt !== null && r.proposal.completeAt > r.timeoutPropose ? 'num bad' : 'num'}>{ms(r.proposal.completeAt)}</td>
                  <td className="num">{ms(r.timeoutPropose)}</td>
                  <td><Tally t={r.prevotes} /></td>
                  <td>{twoThirds(r.prevotes)}</td>
                  <td><Tally t={r.precommits} /></td>
                  <td>{twoThirds(r.precommits)}</td>
                  <td>{block(r.own.prevote)}</td>
                  <td>{block(r.own.precommit)}</td>
                  <td>{block(r.locked)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
