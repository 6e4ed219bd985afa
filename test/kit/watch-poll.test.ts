import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { conditionalGetVersion, pollForChanges, type PolledVersion } from '../../src/kit/watch-poll';
import { recordingLogger } from '../helpers/recording-logger';

describe('pollForChanges', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => clock.restore());

  it('a poll that hangs is cut off at pollTimeoutMs and counted as failed: polling goes on and sees the next change', async () => {
    const stop = new AbortController();
    const { logger, warnings } = recordingLogger();
    let changes = 0;
    let polls = 0;
    let hungSignal: AbortSignal | undefined;
    const answers: Array<(signal: AbortSignal) => Promise<PolledVersion>> = [
      async () => ({ version: 'a' }),
      (signal) => {
        hungSignal = signal;
        return new Promise<PolledVersion>(() => undefined);
      },
      async () => ({ version: 'b' }),
    ];
    await pollForChanges({
      intervalMs: 1000,
      pollTimeoutMs: 5000,
      signal: stop.signal,
      onChange: () => changes++,
      logger,
      what: 'test source',
      poll: (signal) => answers[Math.min(polls++, answers.length - 1)]!(signal),
    });
    await clock.tickAsync(1000 + 5000 + 250);
    assert.equal(hungSignal?.aborted, true);
    assert.deepEqual(warnings, ['watch: checking the source for changes failed; trying again']);
    // After one failure the next poll waits two intervals.
    await clock.tickAsync(2000);
    assert.equal(changes, 1);
    stop.abort();
  });

  it('backs off a failing source no further than a timer holds (a longer delay would fire at once: polls back to back)', async () => {
    const stop = new AbortController();
    const { logger } = recordingLogger();
    let polls = 0;
    const interval = 2_000_000_000; // 23 days: one failure doubles it past what a timer holds
    await pollForChanges({
      intervalMs: interval,
      pollTimeoutMs: 5000,
      signal: stop.signal,
      onChange: () => undefined,
      logger,
      what: 'test source',
      poll: async () => {
        polls++;
        if (polls > 1) throw new Error('source down');
        return { version: 'a' };
      },
    });
    await clock.tickAsync(interval);
    assert.equal(polls, 2, 'the first failure');
    await clock.tickAsync(1000);
    assert.equal(polls, 2, 'not polled again at once');
    await clock.tickAsync(2 ** 31 - 1);
    assert.equal(polls, 3);
    stop.abort();
  });
});

describe('conditionalGetVersion', () => {
  let server: http.Server;
  let base: string;
  const seen: { path: string; auth: string | undefined; ifNoneMatch: string | undefined }[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization, ifNoneMatch: req.headers['if-none-match'] });
      if (req.url === '/flags') return void res.writeHead(301, { location: '/flags/' }).end();
      if (req.url === '/away')
        return void res.writeHead(302, { location: `http://localhost:${(server.address() as AddressInfo).port}/flags/` }).end();
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
      res.writeHead(200, { etag: '"v1"' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => void seen.splice(0));

  it('follows a redirect as the reads do, with the configured headers on the same origin', async () => {
    const signal = new AbortController().signal;
    const first = await conditionalGetVersion(`${base}/flags`, 'flags', undefined, signal, { headers: { Authorization: 'Bearer t' } });
    assert.deepEqual(first, { version: 'etag:"v1"' });
    assert.deepEqual(
      await conditionalGetVersion(`${base}/flags`, 'flags', 'etag:"v1"', signal, { headers: { Authorization: 'Bearer t' } }),
      {
        unchanged: true,
      },
    );
    assert.deepEqual(
      seen.map((s) => [s.path, s.auth]),
      [
        ['/flags', 'Bearer t'],
        ['/flags/', 'Bearer t'],
        ['/flags', 'Bearer t'],
        ['/flags/', 'Bearer t'],
      ],
    );
  });

  it('drops the configured headers when the redirect leaves the origin, but not the ETag it asks about', async () => {
    const signal = new AbortController().signal;
    const headers = { Authorization: 'Bearer t' };
    await conditionalGetVersion(`${base}/away`, 'flags', undefined, signal, { headers });
    assert.deepEqual(await conditionalGetVersion(`${base}/away`, 'flags', 'etag:"v1"', signal, { headers }), { unchanged: true });
    assert.deepEqual(
      seen.map((s) => [s.path, s.auth, s.ifNoneMatch]),
      [
        ['/away', 'Bearer t', undefined],
        ['/flags/', undefined, undefined],
        ['/away', 'Bearer t', '"v1"'],
        ['/flags/', undefined, '"v1"'],
      ],
    );
  });
});
