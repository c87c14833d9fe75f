// This tab as a node of the testnet: its stage (and why, when it only watches or stopped), who it
// is on the chain, how it is doing as a validator, and the two things a person can do from here:
// ask to join the validator set, and save the node's WAL as a CometBFT WAL file.
import { useEffect, useId, useState } from 'react';
import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { becomeValidator, liveStage, send, useUi } from '../store.js';
import { BECOME_WAIT_MS, STAGE_TEXT, becomeState, cutOffText, lastSignedText, powerText, shortId } from './format.js';
import { LivePeers } from './LivePeers.js';
import { hubChain, joinRequest } from './join.js';

/** How often a cut-off tab asks the hub that served it which chain it serves now (ms). */
const HUB_ASK_MS = 5000;

/**
 * While cut off, the chain the page's own hub serves now (null: unknown, or the tab joined another
 * hub by address): a hub restarted on a new chain (`--reset`) has a new peer id too, so the tab's
 * dials fail without ever saying why.
 */
function useHubChainWhileCutOff(cutOff: boolean): string | null {
  const [chain, setChain] = useState<string | null>(null);
  useEffect(() => {
    if (!cutOff || joinRequest(location.search)?.hubAddr) return setChain(null);
    let live = true;
    const ask = () => void hubChain().then((c) => live && setChain(c));
    ask();
    const t = setInterval(ask, HUB_ASK_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [cutOff]);
  return chain;
}

/** A term and its value, the value named by the term (getByLabel finds it, a screen reader reads both). */
function Field({ term, children, title, testId }: { term: string; children: ReactNode; title?: string; testId?: string }) {
  const id = useId();
  return (
    <>
      <dt id={id}>{term}</dt>
      <dd aria-labelledby={id} title={title} data-testid={testId}>{children}</dd>
    </>
  );
}

/** Re-renders once a second while `on` (the pending button's wait runs out without a new status). */
function useTick(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [on]);
  return now;
}

function BecomeValidator() {
  const stage = useUi((s) => liveStage(s).stage);
  const askedAt = useUi((s) => s.becomeAskedAt);
  const now = useTick(askedAt !== null);
  const b = becomeState(stage, askedAt, Math.max(now, askedAt ?? 0));
  const label = b.kind === 'pending' ? 'Becoming a validator…' : b.kind === 'late' ? 'Become a validator (ask again)' : 'Become a validator';
  return (
    <span className="become">
      <button onClick={() => becomeValidator(1)} disabled={b.kind === 'disabled' || b.kind === 'pending'} aria-busy={b.kind === 'pending'} title={b.kind === 'disabled' ? b.why : 'send the validator-update transaction (power 1) through the mempool'}>
        {label}
      </button>
      {b.kind === 'pending' && <span className="muted" role="status"> sent; waiting for the validator set to include this tab</span>}
      {b.kind === 'late' && <span className="warn" role="status"> no change after {BECOME_WAIT_MS / 1000} s: the transaction may not have made it into a block</span>}
    </span>
  );
}

export function LivePanel() {
  const status = useUi((s) => s.status);
  const notice = useUi((s) => s.notice);
  const { stage, why } = useUi(useShallow(liveStage));
  const dash = (v: string | undefined) => (v ? v : '—');
  const cutOff = cutOffText(status, useUi((s) => s.hadPeers));
  const hubNow = useHubChainWhileCutOff(cutOff !== null);
  const moved = hubNow !== null && status !== null && status.chainId !== '' && hubNow !== status.chainId;
  return (
    <section className="panel live-panel" aria-label="This node">
      {notice && <p className="notice" onClick={() => useUi.setState({ notice: null })}>{notice}</p>}
      <div className="live-status">
        <div>
          <dl className="rs live-fields">
            <Field term="Stage" testId="live-stage">
              <b className={`stage stage-${stage.replace(' ', '-')}`}>{stage}</b> <span className="muted">· {STAGE_TEXT[stage]}</span>
            </Field>
            {why && <Field term="Why" testId="live-why"><span className="why">{why}</span></Field>}
            {cutOff && (
              <Field term="Connection" testId="live-cut-off">
                {moved ? (
                  <span className="warn" role="status">the hub now serves another chain, {hubNow}: this tab's chain is gone <button onClick={() => location.reload()}>Reload to join {hubNow}</button></span>
                ) : (
                  <span className="warn" role="status">{cutOff}</span>
                )}
              </Field>
            )}
            <Field term="Chain">{dash(status?.chainId)}</Field>
            <Field term="Peer id" title={status?.peerId}><code>{status?.peerId ? shortId(status.peerId) : '—'}</code></Field>
            <Field term="Validator address" title={status?.address}><code>{dash(status?.address)}</code></Field>
            <Field term="Power">{status ? powerText(status) : '—'}</Field>
            <Field term="Height">{status ? `${status.height} (committed ${status.committed})` : '—'}</Field>
            <Field term="Last signed">{status ? lastSignedText(status.lastSigned) : '—'}</Field>
            <Field term="Missed blocks" title="committed blocks, since this tab became a validator, whose LastCommit lacks its precommit: one that reached the next proposer too late counts too (the first heights after joining often do)">{status ? status.missedBlocks : '—'}</Field>
          </dl>
          <div className="buttons">
            <BecomeValidator />
            <button onClick={() => send({ type: 'exportWal' })} disabled={!status} title="save this node's WAL as a CometBFT WAL file">Export WAL</button>
          </div>
        </div>
        <LivePeers />
      </div>
    </section>
  );
}
