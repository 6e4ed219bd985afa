import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { adapter as fliptAdapter } from '../index';
import { flagSourceFromEntry } from '../../../src/kit/testing';

/**
 * Watch mode of the Flipt adapter against a stand-in Flipt on loopback serving the evaluation snapshot the way
 * Flipt does: with an ETag and 304 for a matching If-None-Match, or (a Flipt that sends no ETag) the body alone.
 */
const POLL_MS = 20;

interface StandIn {
  readonly url: string;
  body: string;
  etags: boolean;
  readonly seen: { requests: number; conditional: number; paths: Set<string>; auth: Set<string | undefined> };
  close(): Promise<void>;
}

async function standIn(): Promise<StandIn> {
  const state: StandIn = {
    url: '',
    body: JSON.stringify({ namespace: { key: 'production' }, flags: [{ key: 'PROJ-1-a', enabled: false }] }),
    etags: true,
    seen: { requests: 0, conditional: 0, paths: new Set(), auth: new Set() },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    state.seen.requests++;
    state.seen.paths.add(req.url ?? '');
    state.seen.auth.add(req.headers.authorization);
    const etag = `"${Buffer.from(state.body).toString('base64url').slice(-16)}"`;
    if (req.headers['if-none-match'] !== undefined) state.seen.conditional++;
    if (state.etags && req.headers['if-none-match'] === etag) return void res.writeHead(304, { ETag: etag }).end();
    res.writeHead(200, { 'Content-Type': 'application/json', ...(state.etags && { ETag: etag }) }).end(state.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Flipt watch', () => {
  let flipt: StandIn;
  let controller: AbortController;
  beforeEach(async () => {
    flipt = await standIn();
    controller = new AbortController();
  });
  afterEach(async () => {
    controller.abort();
    await flipt.close();
  });

  async function watching(): Promise<{ count: () => number }> {
    const adapter = flagSourceFromEntry(fliptAdapter, {
      name: 'f',
      url: flipt.url,
      token: 'flipt-secret',
      environments: [{ name: 'production' }],
    });
    let count = 0;
    await adapter.watch!(() => count++, controller.signal, POLL_MS);
    return { count: () => count };
  }

  it("polls the namespace's evaluation snapshot with its token; 304s announce nothing, a new ETag once", async () => {
    const seen = await watching();
    await until(() => flipt.seen.conditional >= 5, 'five conditional polls');
    assert.equal(seen.count(), 0);
    assert.deepEqual([...flipt.seen.paths], ['/internal/v1/evaluation/snapshot/namespace/production']);
    assert.deepEqual([...flipt.seen.auth], ['Bearer flipt-secret']);
    flipt.body = flipt.body.replace('"enabled":false', '"enabled":true');
    await until(() => seen.count() > 0, 'the change to be announced');
    const polls = flipt.seen.conditional;
    await until(() => flipt.seen.conditional >= polls + 5, 'five more polls');
    assert.equal(seen.count(), 1);
  });

  it('compares the body when Flipt sends no ETag', async () => {
    flipt.etags = false;
    const seen = await watching();
    await until(() => flipt.seen.requests >= 5, 'five polls');
    assert.equal(flipt.seen.conditional, 0, 'no ETag, no If-None-Match');
    assert.equal(seen.count(), 0);
    flipt.body = flipt.body.replace('"enabled":false', '"enabled":true');
    await until(() => seen.count() > 0, 'the change to be announced');
    assert.equal(seen.count(), 1);
  });
});
