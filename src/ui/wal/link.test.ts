// The WAL debugger's share links and pastes.
import { describe, expect, it } from 'vitest';
import { walHref, walRequest } from './link.js';
import { pastedFile } from './paste.js';

describe('WAL debugger links', () => {
  it('carry the position and the file names, never a file', () => {
    expect(walRequest('')).toBeNull();
    expect(walRequest('?join')).toBeNull();
    expect(walRequest('?wal')).toEqual({ files: [], at: null });
    const href = walHref('/app/', ['v0.37 stuck&1.wal', 'wal #2'], 120);
    expect(href).toBe('/app/?wal&at=120&file=v0.37%20stuck%261.wal&file=wal%20%232');
    expect(walRequest(href.slice(href.indexOf('?')))).toEqual({ files: ['v0.37 stuck&1.wal', 'wal #2'], at: 120 });
    expect(walRequest('?wal&at=-3&file=')).toEqual({ files: [], at: null });
  });

  it('pastes: a genesis, a WAL in hex, or a reason', () => {
    expect(pastedFile('{"chain_id":"c","validators":[]}', 1)).toMatchObject({ file: { name: 'pasted-1.genesis.json' } });
    expect(pastedFile('0a0b', 2)).toEqual({ file: { name: 'pasted-2.wal', data: new Uint8Array([10, 11]) } });
    expect(pastedFile('{"time":"2017-01-01T00:00:00Z","msg":[1,{}]}\n', 3)).toMatchObject({ file: { name: 'pasted-3.wal' } });
    expect(pastedFile('hello, world!', 4)).toHaveProperty('error');
  });
});
