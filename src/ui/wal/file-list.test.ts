// The file list: a genesis chosen before any WAL says what was read from it and that a WAL is
// needed (a genesis that cannot be used says why); an empty file has no format.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { GenesisInfo, WalFileInfo } from '../../observe/wal-debugger.js';
import { formatCell, GenesisAloneLine } from './FileList.js';
import { EMPTY_WAL, reduceWal } from './state.js';

const text = (html: string) => html.replace(/<[^>]+>/g, '');
/** The line for the genesis files the page state keeps after the worker lists them, no WAL among them. */
const shown = (genesis: GenesisInfo[]) => {
  const s = { ...EMPTY_WAL, ...reduceWal(EMPTY_WAL, { type: 'files', files: [], genesis, busy: false }) };
  return text(renderToStaticMarkup(createElement(GenesisAloneLine, { genesis: s.genesis })));
};

describe('a genesis without a WAL', () => {
  it('is acknowledged: its chain and validators, and that a WAL is needed', () => {
    expect(shown([])).toBe('');
    expect(shown([{ name: 'genesis.json', chainId: 'prevote-sim', keys: 4, error: null }])).toBe('Genesis read: genesis.json (chain prevote-sim, 4 validator keys). Now add a WAL of this chain to replay: its signatures will be checked against it.');
  });

  it('one that cannot be used says why', () => {
    const genesis = [{ name: 'bad.json', chainId: null, keys: 0, error: 'no Ed25519 validator keys (in validators or app_state.genutil.gen_txs)' }];
    expect(shown(genesis)).toMatch(/^Genesis read: bad\.json — not used: no Ed25519 validator keys .*\. Add a WAL to replay, and a genesis with the validators’ keys to check its signatures\.$/);
  });
});

describe('the format of a file', () => {
  const file = (size: number, records: number, corruption: WalFileInfo['summary']['corruption']): WalFileInfo => ({
    id: 0,
    name: 'wal',
    size,
    format: 'cometbft',
    genesis: null,
    rounds: [],
    summary: { format: 'cometbft', records, byKind: {}, heights: null, maxRound: 0, endHeights: [], endHeightRestarts: 0, endHeightGaps: [], corruption, readableBytes: 0 },
  });
  const cell = (f: WalFileInfo) => text(renderToStaticMarkup(createElement('td', null, formatCell(f))));

  it('is unknown for an empty file, a guess for one with no readable record, else the format read', () => {
    expect(cell(file(0, 0, null))).toBe('empty, format unknown');
    expect(cell(file(13, 0, { index: 0, offset: 0, reason: 'bad CRC' } as WalFileInfo['summary']['corruption']))).toBe('unknown');
    expect(cell(file(90, 3, null))).toBe('cometbft');
  });
});
