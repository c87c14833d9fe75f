// The files loaded: format, size and the records by kind — the numbers `prevote wal inspect`
// prints — with the damage where a file is damaged (record number, byte offset, what is wrong, and
// how much of it was still read), the genesis files, and each file's signatures against its
// genesis (`prevote wal verify`'s counts). The radio chooses the file the console replays.
import type { GenesisInfo, WalFileInfo } from '../../observe/wal-debugger.js';
import { watch } from './debugger.js';
import type { SignaturesMessage } from './state.js';
import { useWal } from './state.js';

const size = (n: number) => (n < 1e4 ? `${n} B` : n < 1e7 ? `${(n / 1e3).toFixed(1)} kB` : `${(n / 1e6).toFixed(1)} MB`);

/** Records by kind in the file's order, as the CLI lists them ("roundState 544, timeout 109, …"). */
export const kindsText = (byKind: Record<string, number>): string => Object.entries(byKind).map(([k, n]) => `${k} ${n}`).join(', ');

/**
 * The format cell: the format is read from the first bytes, so an empty file has none (the reader
 * calls it cometbft by default), and with not one record readable it is only a guess.
 */
export function formatCell(f: WalFileInfo) {
  if (f.size === 0) return <span className="muted" title="0 bytes: nothing to tell the format by">empty, format unknown</span>;
  if (f.summary.records === 0 && f.summary.corruption) return <span className="muted" title={`read as ${f.format}, but not one record could be read`}>unknown</span>;
  return f.format;
}

function Damage({ f }: { f: WalFileInfo }) {
  const c = f.summary.corruption;
  if (!c) return null;
  const records = f.summary.records;
  return (
    <p className="damage" data-testid="damage" aria-label={`Damage in ${f.name}`}>
      <b>{f.name}</b> is damaged at record #{c.index}, byte offset {c.offset}: {c.reason}.{' '}
      {records > 0 ? `Readable prefix: ${records} records loaded (the first ${f.summary.readableBytes} bytes).` : 'Not one record could be read: is it a WAL?'}
    </p>
  );
}

function Signatures({ f, s }: { f: WalFileInfo; s: SignaturesMessage }) {
  const rows = Object.entries(s.report.byValidator);
  return (
    <table className="signatures">
      <caption>Signatures of {f.name} against {s.genesis} <span className="muted">(chain {s.chainId}, {s.keys} key{s.keys === 1 ? '' : 's'})</span></caption>
      <thead>
        <tr><th>validator</th><th>valid votes</th><th>invalid votes</th><th>valid proposals</th></tr>
      </thead>
      <tbody>
        {rows.map(([address, c]) => (
          <tr key={address}>
            <td><code>{address}</code></td>
            <td className="num">{c.votes.valid}</td>
            <td className={c.votes.invalid ? 'num bad' : 'num'}>{c.votes.invalid}</td>
            <td className="num">{c.proposals.valid}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr><th scope="row">votes from validators without a key</th><td className="num" data-testid="unknown-key-votes">{s.report.unknownKeyVotes}</td><td /><td /></tr>
        <tr><th scope="row">proposals no key verifies</th><td /><td /><td className="num" data-testid="unverified-proposals">{s.report.unverifiedProposals}</td></tr>
      </tfoot>
    </table>
  );
}

/** What was read from a genesis file, or why it is not used. */
export const genesisText = (g: GenesisInfo): string =>
  g.error ? `not used: ${g.error}` : `chain ${g.chainId}, ${g.keys} validator key${g.keys === 1 ? '' : 's'}`;

function GenesisFiles({ genesis }: { genesis: GenesisInfo[] }) {
  return (
    <>
      {genesis.map((g, i) => (
        <span key={g.name}>{i > 0 && '; '}<b>{g.name}</b> {g.error ? <span className="bad">— {genesisText(g)}</span> : `(${genesisText(g)})`}</span>
      ))}
    </>
  );
}

/**
 * A genesis chosen before any WAL: kept for the WALs to come (their signatures are checked
 * against it), which nothing else on the page would say until a WAL comes.
 */
export function GenesisAlone() {
  return <GenesisAloneLine genesis={useWal((s) => s.genesis)} />;
}

export function GenesisAloneLine({ genesis }: { genesis: GenesisInfo[] }) {
  if (genesis.length === 0) return null;
  const usable = genesis.some((g) => !g.error);
  return (
    <section className="panel wal-files" aria-label="Genesis files">
      <p className="genesis" data-testid="genesis-alone">
        Genesis read: <GenesisFiles genesis={genesis} />.{' '}
        {usable ? 'Now add a WAL of this chain to replay: its signatures will be checked against it.' : 'Add a WAL to replay, and a genesis with the validators’ keys to check its signatures.'}
      </p>
    </section>
  );
}

export function FileList() {
  const files = useWal((s) => s.files);
  const genesis = useWal((s) => s.genesis);
  const selected = useWal((s) => s.selected);
  const signatures = useWal((s) => s.signatures);
  return (
    <section className="panel wal-files" aria-label="WAL files">
      <table>
        <caption>WAL files</caption>
        <thead>
          <tr><th>replay</th><th>file</th><th>format</th><th>size</th><th>records</th><th>records by kind</th><th>heights</th><th>highest round</th><th>damage</th><th>signatures</th></tr>
        </thead>
        <tbody>
          {files.map((f) => {
            const s = f.summary;
            const sig = signatures[f.id];
            const invalid = sig ? Object.values(sig.report.byValidator).reduce((n, c) => n + c.votes.invalid, 0) : 0;
            return (
              <tr key={f.id} className={f.id === selected ? 'selected' : ''}>
                <td><input type="radio" name="wal-file" checked={f.id === selected} onChange={() => watch(f.id)} aria-label={`Replay ${f.name}`} /></td>
                <th scope="row">{f.name}</th>
                <td>{formatCell(f)}</td>
                <td className="num">{size(f.size)}</td>
                <td className="num">{s.records}</td>
                <td>{kindsText(s.byKind) || 'none'}</td>
                <td>{s.heights ? `${s.heights.min}..${s.heights.max}` : 'none'}</td>
                <td className="num">{s.maxRound}</td>
                <td className={s.corruption ? 'bad' : ''}>{s.corruption ? `record #${s.corruption.index}, byte ${s.corruption.offset}` : 'none'}</td>
                <td>{sig ? (invalid ? <span className="bad">{invalid} invalid</span> : 'checked') : f.genesis ? 'checking…' : <span className="muted">no genesis</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {files.map((f) => <Damage key={f.id} f={f} />)}
      {genesis.length > 0 && (
        <p className="genesis">
          Genesis: <GenesisFiles genesis={genesis} />
        </p>
      )}
      {files.map((f) => signatures[f.id] && <Signatures key={f.id} f={f} s={signatures[f.id]} />)}
    </section>
  );
}
