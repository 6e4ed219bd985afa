import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as t from 'io-ts';
import { createSourceHttp, SourceHttpError, type Clock } from '../../src/kit';
import { startFixtureServer, type FixtureHandler, type FixtureServer } from '../../src/kit/testing';

/** `context.http` against a real server on loopback: what every adapter reads its source through. */
describe('kit: source HTTP (context.http)', () => {
  const servers: FixtureServer[] = [];
  const serve = async (handler: FixtureHandler): Promise<FixtureServer> => {
    const server = await startFixtureServer(handler);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  /** A clock whose sleeps return at once and are recorded, so rate-limit waits are checked without waiting. */
  function recordingClock(): Clock & { slept: number[] } {
    const slept: number[] = [];
    return { slept, now: () => Date.now(), sleep: (ms) => (slept.push(ms), Promise.resolve()) };
  }

  const signal = () => new AbortController().signal;
  const Flags = t.type({ flags: t.array(t.string) });

  async function failure(work: Promise<unknown>): Promise<SourceHttpError> {
    try {
      await work;
    } catch (error) {
      assert.ok(error instanceof SourceHttpError, String(error));
      return error;
    }
    assert.fail('expected a SourceHttpError');
  }

  it('decodes JSON with the codec and sends the configured headers', async () => {
    const server = await serve(() => ({ body: { flags: ['a', 'b'] } }));
    const body = await createSourceHttp().getJson(`${server.url}/api/flags?env=prod`, Flags, {
      signal: signal(),
      headers: { Authorization: 'Bearer s3cret' },
    });
    assert.deepEqual(body, { flags: ['a', 'b'] });
    assert.equal(server.requests[0]!.headers['authorization'], 'Bearer s3cret');
  });

  it('names the URL without its query, the status and a hint; never the token', async () => {
    const server = await serve(() => ({ status: 401, body: {} }));
    const error = await failure(
      createSourceHttp().getJson(`${server.url}/api/flags?token=s3cret`, Flags, { signal: signal(), headers: { 'X-Api-Key': 's3cret' } }),
    );
    assert.equal(error.status, 401);
    assert.equal(error.reason, 'status');
    assert.equal(error.message, `GET ${server.url}/api/flags answered 401 (the credentials are missing, wrong or expired)`);
    assert.ok(!error.message.includes('s3cret'));
  });

  it("uses the adapter's own hint for a status", async () => {
    const server = await serve(() => undefined);
    const error = await failure(
      createSourceHttp().getJson(`${server.url}/ns/x`, Flags, { signal: signal(), hints: { 404: 'no such namespace' } }),
    );
    assert.match(error.message, /answered 404 \(no such namespace\)$/);
  });

  it('getJsonIfFound resolves undefined on 404', async () => {
    const server = await serve(() => undefined);
    assert.equal(await createSourceHttp().getJsonIfFound(`${server.url}/gone`, Flags, { signal: signal() }), undefined);
  });

  it('a body that is not JSON, or not what the codec says, fails naming the response', async () => {
    const server = await serve((req) => (req.path === '/bad' ? { body: { flags: 'no' } } : { headers: { 'content-type': 'text/plain' } }));
    await assert.rejects(createSourceHttp().getJson(`${server.url}/bad`, Flags, { signal: signal(), what: 'Acme flags' }), /Acme flags/);
  });

  it('waits out one 429 for as long as Retry-After says, then reads', async () => {
    let calls = 0;
    const server = await serve(() => (++calls === 1 ? { status: 429, headers: { 'retry-after': '7' } } : { body: { flags: [] } }));
    const clock = recordingClock();
    await createSourceHttp({ clock }).getJson(`${server.url}/api/flags`, Flags, { signal: signal() });
    assert.deepEqual(clock.slept, [7000]);
    assert.equal(server.requests.length, 2);
  });

  it('does not retry a second 429, nor wait longer than the cap', async () => {
    const server = await serve(() => ({ status: 429, headers: { 'retry-after': '1' } }));
    const clock = recordingClock();
    const twice = await failure(createSourceHttp({ clock }).getJson(`${server.url}/a`, Flags, { signal: signal() }));
    assert.equal(twice.status, 429);
    assert.equal(server.requests.length, 2);

    const long = await serve(() => ({ status: 429, headers: { 'retry-after': '600' } }));
    const tooLong = await failure(
      createSourceHttp({ clock }).getJson(`${long.url}/a`, Flags, { signal: signal(), maxRateLimitWaitMs: 60_000 }),
    );
    assert.equal(tooLong.reason, 'rate-limited');
    assert.match(tooLong.message, /resets in 600 s, more than the 60 s allowed/);
    assert.equal(long.requests.length, 1);
  });

  it('a response saying the limit is used up delays the next request to that host until the reset', async () => {
    const server = await serve(() => ({
      body: { flags: [] },
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Date.now() + 5_000) },
    }));
    const clock = recordingClock();
    const http = createSourceHttp({ clock });
    await http.getJson(`${server.url}/page1`, Flags, { signal: signal() });
    assert.deepEqual(clock.slept, []);
    await http.getJson(`${server.url}/page2`, Flags, { signal: signal() });
    assert.equal(clock.slept.length, 1);
    assert.ok(clock.slept[0]! > 3_000 && clock.slept[0]! <= 5_000, String(clock.slept[0]));
  });

  it('follows a redirect on the same origin with the headers, and to another origin without them', async () => {
    const other = await serve(() => ({ body: { flags: ['moved'] } }));
    const server = await serve((req) =>
      req.path === '/same'
        ? { status: 302, headers: { location: '/target' } }
        : req.path === '/away'
          ? { status: 307, headers: { location: `${other.url}/elsewhere` } }
          : { body: { flags: ['here'] } },
    );
    const http = createSourceHttp();
    const headers = { 'X-Api-Key': 'k3y', Authorization: 'Bearer t0ken' };
    assert.deepEqual(await http.getJson(`${server.url}/same`, Flags, { signal: signal(), headers }), { flags: ['here'] });
    assert.equal(server.requests[1]!.headers['x-api-key'], 'k3y');
    assert.deepEqual(await http.getJson(`${server.url}/away`, Flags, { signal: signal(), headers }), { flags: ['moved'] });
    assert.equal(other.requests[0]!.headers['x-api-key'], undefined);
    assert.equal(other.requests[0]!.headers['authorization'], undefined);
  });

  it('times out a request that never answers, and stops at once when aborted', async () => {
    const server = await serve(() => ({ body: {} }));
    server.hang();
    const timedOut = await failure(createSourceHttp().getJson(`${server.url}/slow`, Flags, { signal: signal(), timeoutMs: 100 }));
    assert.equal(timedOut.reason, 'timeout');
    assert.match(timedOut.message, /timed out after 100 ms/);
    const controller = new AbortController();
    const pending = createSourceHttp().getJson(`${server.url}/slow`, Flags, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    assert.equal((await failure(pending)).reason, 'aborted');
  });

  it('keeps the time limit and the abort on while the body comes: a source that stalls after its headers', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const stalling = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"flags":['); // and nothing more
    });
    stalling.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(stalling.address() as import('node:net').AddressInfo).port}/flags`;
    try {
      const started = Date.now();
      const timedOut = await failure(createSourceHttp().getJson(url, Flags, { signal: signal(), timeoutMs: 200 }));
      assert.equal(timedOut.reason, 'timeout');
      assert.match(timedOut.message, /timed out after 200 ms/);
      assert.ok(Date.now() - started < 2000);
      const controller = new AbortController();
      const pending = createSourceHttp().getText(url, { signal: controller.signal, timeoutMs: 60_000 });
      setTimeout(() => controller.abort(), 100);
      assert.equal((await failure(pending)).reason, 'aborted');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => stalling.close(resolve));
    }
  });

  it('says when the source cannot be reached', async () => {
    const server = await serve(() => ({ body: {} }));
    const url = server.url;
    await server.close();
    servers.splice(0);
    const error = await failure(createSourceHttp().getJson(`${url}/x`, Flags, { signal: signal() }));
    assert.equal(error.reason, 'network');
    assert.match(error.message, /cannot reach .*ECONNREFUSED/);
  });
});
