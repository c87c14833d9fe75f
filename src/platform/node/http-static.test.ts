// The hub's HTTP server over a real socket: files with their types, index.html for `/`, routes,
// and paths that try to leave the root refused whatever their spelling.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeHttp, listenHttp, safeSegments, staticHandler } from './http-static.js';

/** A raw GET: node:http sends the path exactly as given (fetch would normalise `..` away). */
function get(port: number, path: string, method = 'GET') {
  return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject).end();
  });
}

describe('static HTTP server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prevote-http-'));
  const root = join(dir, 'dist');
  const servers: Server[] = [];
  let port = 0;
  let missingPort = 0;

  beforeAll(async () => {
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(root, 'assets', 'main-abc.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'style.css'), 'body{}');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    symlinkSync(join(dir, 'secret.txt'), join(root, 'link.txt'));
    const routes = { '/genesis.json': () => ({ type: 'application/json', body: '{"chain_id":"x"}' }) };
    servers.push(await listenHttp(staticHandler({ root, routes }), '127.0.0.1', 0));
    servers.push(await listenHttp(staticHandler({ root: join(dir, 'nothing'), routes }), '127.0.0.1', 0));
    port = (servers[0].address() as { port: number }).port;
    missingPort = (servers[1].address() as { port: number }).port;
  });
  afterAll(async () => {
    await Promise.all(servers.map(closeHttp));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html for /, files with their content types, and routes', async () => {
    expect(await get(port, '/')).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><title>app</title>' });
    expect(await get(port, '/index.html?x=1')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(await get(port, '/assets/main-abc.js')).toEqual({ status: 200, type: 'text/javascript; charset=utf-8', body: 'console.log(1)' });
    expect(await get(port, '/assets/style.css')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
    expect(await get(port, '/genesis.json')).toEqual({ status: 200, type: 'application/json', body: '{"chain_id":"x"}' });
    expect(await get(port, '/assets/none.js')).toMatchObject({ status: 404 });
    expect(await get(port, '/', 'HEAD')).toMatchObject({ status: 200, body: '' });
    expect(await get(port, '/', 'POST')).toMatchObject({ status: 405 });
  });

  it('refuses paths that leave the root, however they are spelled', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets%2f..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00', '/a//b', '/%zz']) {
      expect((await get(port, path)).status, path).toBe(400);
    }
    // a symlink inside the root that points out of it is not followed
    expect((await get(port, '/link.txt')).status).toBe(404);
    expect(safeSegments('/assets/x.js?v=1')).toEqual(['assets', 'x.js']);
    expect(safeSegments('/assets/')).toEqual(['assets']);
    expect(safeSegments('assets')).toBeNull();
  });

  it('without a built app, pages say how to build it, and routes still answer', async () => {
    const page = await get(missingPort, '/');
    expect(page.status).toBe(503);
    expect(page.body).toMatch(/npm run build/);
    expect((await get(missingPort, '/genesis.json')).status).toBe(200);
  });
});
