import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SourceError } from '../../../src/kit';
import { adapterFrom, rejectionOf, snapshotOf } from './adapter-under-test';
import { freePort } from './harness';

/** Unleash down or broken: the snapshot rejects with a SourceError naming provider and URL, never resolves empty. */
describe('Unleash adapter when Unleash is down or broken', function () {
  const adminToken = '*:*.aaaabbbbccccddddeeeeffff00001111';
  const clientToken = 'default:production.aaaabbbbccccddddeeeeffff00002222';
  let downUrl: string;
  let broken: Server;
  let brokenUrl: string;

  before(async function () {
    downUrl = `http://127.0.0.1:${await freePort()}/api`;
    broken = createServer((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('boom');
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}/api`;
  });

  after(function (done) {
    broken.close(() => done());
  });

  const secretsOf = (token: string) => token.split('.')[1]!;

  it('Admin API mode: connection refused is a SourceError naming the provider and the URL', async function () {
    const err = await rejectionOf(
      snapshotOf(adapterFrom({ name: 'unleash-eu', url: downUrl, adminToken, environments: [{ name: 'production' }] })),
    );
    assert.ok(err instanceof SourceError);
    assert.equal(err.provider, 'unleash-eu');
    assert.match(err.message, new RegExp(`^unleash-eu: .*cannot reach Unleash at ${downUrl}/admin/environments: ECONNREFUSED`));
    assert.ok(!err.message.includes(secretsOf(adminToken)));
  });

  it('Admin API mode on an Unleash older than 6.1 (no event search): says which version it needs and what works instead', async function () {
    const old = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      const body =
        path === '/api/admin/environments'
          ? { version: 1, environments: [{ name: 'production', type: 'production', enabled: true }] }
          : path === '/api/admin/segments'
            ? { segments: [] }
            : undefined;
      if (body === undefined) res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"Not found"}');
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(old.address() as AddressInfo).port}/api`;
      const err = await rejectionOf(snapshotOf(adapterFrom({ name: 'unleash', url, adminToken, environments: [{ name: 'production' }] })));
      assert.ok(err instanceof SourceError);
      assert.match(
        err.message,
        /the Admin API mode needs Unleash 6\.1 or later; with an older Unleash, give each environment a clientToken/,
      );
    } finally {
      await new Promise<void>((resolve) => old.close(() => resolve()));
    }
  });

  it('client-token mode: connection refused is a SourceError naming the provider and the environment', async function () {
    const err = await rejectionOf(
      snapshotOf(adapterFrom({ name: 'unleash-eu', url: downUrl, environments: [{ name: 'production', clientToken }] })),
    );
    assert.ok(err instanceof SourceError);
    assert.match(err.message, /^unleash-eu: .*ECONNREFUSED.*environment production/);
    assert.ok(!err.message.includes(secretsOf(clientToken)));
  });

  it('Admin API mode: a 500 answer is a SourceError naming the status', async function () {
    const err = await rejectionOf(
      snapshotOf(adapterFrom({ name: 'unleash', url: brokenUrl, adminToken, environments: [{ name: 'production' }] })),
    );
    assert.ok(err instanceof SourceError);
    assert.match(err.message, /answered 500/);
  });

  it('client-token mode: a 500 answer is a SourceError instead of the SDK retrying forever', async function () {
    const err = await rejectionOf(
      snapshotOf(adapterFrom({ name: 'unleash', url: brokenUrl, environments: [{ name: 'production', clientToken }] })),
    );
    assert.ok(err instanceof SourceError);
    assert.match(err.message, /responded 500/);
  });
});
