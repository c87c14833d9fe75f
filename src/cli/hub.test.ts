// The hub as real OS processes on 127.0.0.1: `prevote testnet` starts it and four validators that
// bootstrap to it alone; peer exchange connects the validators to each other; the hub serves the
// genesis and its addresses over HTTP and refuses paths out of its root. Then the acceptance test:
// the hub is killed (SIGKILL) and the chain goes on; restarted from its home, the validators
// reconnect to it, it catches up and follows, and the chain goes on.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proc } from './processes.test-util.js';
import { BIN, exclusiveTestnet, freePorts, heights, minHeight, peersOf, prevote, until } from './processes.test-util.js';
import { genesisJson, homePaths, newSeed, nodeKeyJson } from './home.js';
import { publicKeyFromSeed } from '../core/crypto/ed25519.js';
import { testnetPorts } from './testnet.js';

const N = 4;
const names = Array.from({ length: N }, (_, i) => `node${i}`);

function get(port: number, path: string) {
  return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
    })
      .on('error', reject)
      .end();
  });
}

const run = (...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }));
  });

describe('prevote hub refusals: one line, exit 2, nothing written', () => {
  it('a busy HTTP port, clashing ports, bad flags', async () => {
    const root = mkdtempSync(join(tmpdir(), 'prevote-hub-bad-'));
    const hubHome = join(root, 'hub');
    mkdirSync(homePaths(hubHome).config, { recursive: true });
    writeFileSync(homePaths(hubHome).genesis, genesisJson('prevote-test', [{ pubKey: publicKeyFromSeed(newSeed()), name: 'v0' }], Date.now()));
    writeFileSync(homePaths(hubHome).nodeKey, nodeKeyJson(newSeed()));
    const busy = createServer();
    await new Promise<void>((r) => busy.listen({ host: '127.0.0.1', port: 0 }, () => r()));
    const busyPort = (busy.address() as { port: number }).port;
    try {
      const cases: [string[], RegExp][] = [
        [['hub', '--home', hubHome, '--port', '0', '--http-port', String(busyPort)], new RegExp(`^prevote hub: port ${busyPort} on 127\\.0\\.0\\.1 is in use$`)],
        [['hub', '--home', hubHome, '--port', '0', '--ws-port', String(busyPort), '--http-port', '0'], new RegExp(`^prevote hub: port ${busyPort} on 127\\.0\\.0\\.1 is in use$`)],
        [['hub', '--home', hubHome, '--port', '5000', '--ws-port', '5000'], /^prevote hub: --ws-port 5000 is already the TCP or HTTP port$/],
        [['hub', '--home', hubHome, '--http-port', '70000'], /^prevote hub: --http-port must be an integer from 0 to 65535, got "70000"$/],
        [['hub', '--home', hubHome, '--port', '65535'], /^prevote hub: --port 65535 leaves no room for the WebSockets port/],
        [['testnet', '--home', join(root, 'tn'), '--port', '65530'], /^prevote testnet: --port 65530 leaves no room for 4 validators/],
        [['testnet', '--home', join(root, 'tn'), '--listen', 'localhost'], /^prevote testnet: --listen must be an IP address/],
      ];
      const results = await Promise.all(cases.map(([args]) => run(...args)));
      results.forEach((r, i) => {
        const [args, expected] = cases[i];
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
        expect(r.stderr.trimEnd(), args.join(' ')).toMatch(expected);
      });
      // nothing written: no data directory, no testnet
      expect(readdirSync(hubHome).sort()).toEqual(['config']);
      expect(readdirSync(root).sort()).toEqual(['hub']);
    } finally {
      busy.close();
      rmSync(root, { recursive: true, force: true });
    }
  }, 40_000);
});

describe('prevote testnet with a hub: peer exchange, HTTP, and a hub restart', () => {
  let release = (): void => undefined;
  beforeAll(async () => {
    release = await exclusiveTestnet();
  }, 600_000);
  const home = mkdtempSync(join(tmpdir(), 'prevote-hub-'));
  const procs: Proc[] = [];
  let base = 0;
  let testnet: Proc;
  let hub2: Proc;
  let ids: Map<string, string>;

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
    release(); // after the processes are gone
  });

  it('validators that bootstrap only to the hub are connected to each other by peer exchange', async () => {
    base = await freePorts(10 + N);
    const t0 = Date.now();
    testnet = prevote(['testnet', '--validators', String(N), '--home', home, '--port', String(base), '--timeout-commit', '200']);
    procs.push(testnet);
    await until('height 2 on every validator and the hub', () => minHeight(testnet.lines, [...names, 'hub']) >= 2, 45_000, testnet);
    expect(testnet.lines[0]).toMatch(/^testnet prevote-testnet-[0-9a-f]{6}: 4 validators and a hub, home .*, new chain$/);
    expect(testnet.lines).toContain(`open http://127.0.0.1:${base}/`);
    ids = new Map([...names, 'hub'].map((n) => [n, /\/p2p\/(\S+)$/.exec(testnet.lines.find((l) => l.startsWith(`${n}: pid `))!)![1]]));
    // every validator's only --bootstrap is the hub; peer exchange brings the others
    for (const n of names) expect(testnet.lines.find((l) => l.startsWith(`${n}: pid `))).toMatch(new RegExp(`tcp/${testnetPorts(base, N).validator(names.indexOf(n))}/`));
    const full = () => names.every((n) => [...ids.entries()].filter(([m]) => m !== n).every(([, id]) => peersOf(testnet.lines, n).has(id)));
    await until('a full mesh: every validator connected to the hub and the three others', full, 20_000, testnet);
    console.log(`hub testnet: height 2 everywhere and a full mesh ${((Date.now() - t0) / 1000).toFixed(1)} s after spawn`);
  }, 70_000);

  it('the hub serves the genesis and its WebSocket address, and refuses paths out of its root', async () => {
    const genesis = await get(base, '/genesis.json');
    expect(genesis).toMatchObject({ status: 200, type: 'application/json; charset=utf-8' });
    expect(genesis.body).toBe(readFileSync(homePaths(join(home, 'node0')).genesis, 'utf8'));
    const hub = JSON.parse((await get(base, '/hub.json')).body);
    expect(hub.peerId).toBe(ids.get('hub'));
    expect(hub.ws).toEqual([`/ip4/127.0.0.1/tcp/${base + 2}/ws/p2p/${ids.get('hub')}`]);
    // the app: built (200) or a page saying how to build it (503), HTML either way
    const page = await get(base, '/');
    expect([200, 503]).toContain(page.status);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect((await get(base, '/../config/node_key.json')).status).toBe(400);
    expect((await get(base, '/%2e%2e/%2e%2e/hub/config/node_key.json')).status).toBe(400);
  });

  it('kill -9 of the hub: the chain goes on; restarted from its home, the validators reconnect, it follows, the chain goes on', async () => {
    const pid = Number(/^hub: pid (\d+)/.exec(testnet.lines.find((l) => l.startsWith('hub: pid'))!)![1]);
    process.kill(pid, 'SIGKILL');
    await until('the testnet reports the hub killed', () => testnet.lines.includes('stderr: hub killed by SIGKILL'), 10_000, testnet);
    const killedAt = heights(testnet.lines).get('hub') ?? 0;
    const from = minHeight(testnet.lines, names);
    await until('three more heights without the hub', () => minHeight(testnet.lines, names) >= from + 3, 20_000, testnet);
    const mark = testnet.lines.length;

    const t0 = Date.now();
    const ports = testnetPorts(base, N);
    hub2 = prevote(['hub', '--home', join(home, 'hub'), '--port', String(ports.hubTcp), '--ws-port', String(ports.hubWs), '--http-port', String(ports.http), '--timeout-commit', '200']);
    procs.push(hub2);
    await until('the hub starts', () => hub2.lines.some((l) => l.startsWith('serving http://')), 20_000, hub2);
    const resumed = Number(/from height (\d+)/.exec(hub2.lines.find((l) => l.includes('from height'))!)![1]);
    expect(resumed).toBeGreaterThanOrEqual(killedAt);
    const hubId = ids.get('hub')!;
    await until('every validator reconnects to the hub', () => names.every((n) => testnet.lines.slice(mark).some((l) => l.startsWith(`${n}: peer ${hubId} connected`))), 40_000, testnet);
    const head = minHeight(testnet.lines, names);
    await until('the hub catches up and follows', () => (heights(hub2.lines).get('self') ?? 0) >= head + 2, 30_000, hub2);
    await until('the chain goes on', () => minHeight(testnet.lines, names) >= head + 2, 20_000, testnet);
    console.log(`hub killed after height ${killedAt}, restarted at ${resumed} while the validators were at ${head}; reconnected and following in ${((Date.now() - t0) / 1000).toFixed(1)} s from spawn`);
    // the page is served again
    expect((await get(base, '/genesis.json')).status).toBe(200);
  }, 90_000);

  it('SIGINT stops the testnet and the restarted hub with status 0', async () => {
    testnet.child.kill('SIGINT');
    hub2.child.kill('SIGINT');
    expect(await testnet.exit).toEqual({ code: 0, signal: null });
    expect(await hub2.exit).toEqual({ code: 0, signal: null });
  }, 40_000);
});
