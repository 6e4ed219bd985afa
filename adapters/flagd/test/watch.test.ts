import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rename, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import fs from 'node:fs';
import * as path from 'node:path';
import * as sinon from 'sinon';
import { flagdSource } from './helpers';

/**
 * Watch mode of the flagd adapter, on real files and a real HTTP server. Event-driven tests poll only once a minute,
 * so only the folder watch can announce within the test; "nothing announced" is checked over a window of checks.
 */
const NO_POLL = 60_000;
const QUIET_WINDOW_MS = 400;

const flagFile = (on: boolean): string =>
  JSON.stringify({
    flags: { 'PROJ-1-alpha': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: on ? 'on' : 'off' } },
  });

interface Announcements {
  count(): number;
  /** Resolves at the next announcement after the call (mocha's timeout fails a test that never gets one). */
  next(): Promise<void>;
  readonly onChange: () => void;
}

function announcements(): Announcements {
  let count = 0;
  let waiting: (() => void)[] = [];
  return {
    count: () => count,
    next: () => new Promise<void>((resolve) => waiting.push(resolve)),
    onChange: () => {
      count++;
      const now = waiting;
      waiting = [];
      now.forEach((resolve) => resolve());
    },
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('flagd watch', () => {
  let dir: string;
  let controller: AbortController;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flagd-watch-'));
    controller = new AbortController();
  });
  afterEach(async () => {
    controller.abort();
    await rm(dir, { recursive: true, force: true });
  });

  async function watching(source: string, pollMs = NO_POLL): Promise<Announcements> {
    const adapter = flagdSource({ environments: [{ name: 'production', source }] }, dir);
    assert.ok(adapter.watch !== undefined, 'the flagd adapter can watch');
    const seen = announcements();
    await adapter.watch(seen.onChange, controller.signal, pollMs);
    return seen;
  }

  it('announces a file written in place', async () => {
    const file = path.join(dir, 'production.flagd.json');
    await writeFile(file, flagFile(false));
    const seen = await watching(file);
    const next = seen.next();
    await writeFile(file, flagFile(true));
    await next;
    assert.equal(seen.count(), 1);
  });

  it('announces a file replaced by rename, as editors save, and keeps watching after it', async () => {
    const file = path.join(dir, 'production.flagd.json');
    await writeFile(file, flagFile(false));
    const seen = await watching(file);
    for (const on of [true, false]) {
      const next = seen.next();
      await writeFile(`${file}.swp`, flagFile(on));
      await rename(`${file}.swp`, file);
      await next;
    }
    assert.ok(seen.count() >= 2);
  });

  it('announces ConfigMap updates (the ..data symlink swapped to a new folder), one after another', async () => {
    await mkdir(path.join(dir, '..2026_0'));
    await writeFile(path.join(dir, '..2026_0', 'production.flagd.json'), flagFile(false));
    await symlink('..2026_0', path.join(dir, '..data'));
    await symlink(path.join('..data', 'production.flagd.json'), path.join(dir, 'production.flagd.json'));
    const seen = await watching(path.join(dir, 'production.flagd.json'));
    for (const [i, on] of [true, false].entries()) {
      const next = seen.next();
      // What the kubelet does: a new timestamped folder, a new link beside ..data, renamed over it, the old folder gone.
      await mkdir(path.join(dir, `..2026_${i + 1}`));
      await writeFile(path.join(dir, `..2026_${i + 1}`, 'production.flagd.json'), flagFile(on));
      await symlink(`..2026_${i + 1}`, path.join(dir, '..data_tmp'));
      await rename(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
      await rm(path.join(dir, `..2026_${i}`), { recursive: true });
      await next;
    }
    assert.ok(seen.count() >= 2);
  });

  it('announces nothing when the bytes stay the same: a touch, a rewrite, another file in the folder', async () => {
    const file = path.join(dir, 'production.flagd.json');
    await writeFile(file, flagFile(false));
    const seen = await watching(file);
    await utimes(file, new Date(), new Date('2030-01-01T00:00:00Z'));
    await writeFile(file, await readFile(file));
    await writeFile(path.join(dir, 'other.json'), '{}');
    await unlink(path.join(dir, 'other.json'));
    await pause(QUIET_WINDOW_MS);
    assert.equal(seen.count(), 0);
    // Still watching: a real change is announced, once.
    const next = seen.next();
    await writeFile(file, flagFile(true));
    await next;
    assert.equal(seen.count(), 1);
  });

  it('notices a change the folder watch cannot see on the poll interval (a folder created later)', async () => {
    const later = path.join(dir, 'later');
    const file = path.join(later, 'production.flagd.json');
    const seen = await watching(file, 50);
    const next = seen.next();
    await mkdir(later);
    await writeFile(file, flagFile(true));
    await next;
    assert.equal(seen.count(), 1);
  });

  it('watches a folder deleted and made again anew (its old watch hears nothing more): later writes are events, not polls', async () => {
    const flags = path.join(dir, 'flags');
    const file = path.join(flags, 'production.flagd.json');
    await mkdir(flags);
    await writeFile(file, flagFile(false));
    const seen = await watching(file, 1500);
    const first = seen.next();
    await rm(flags, { recursive: true, force: true });
    await mkdir(flags);
    await writeFile(file, flagFile(true));
    await first;
    // Noticed on an event or a poll: either way the check that noticed it watches the new folder. The next write is
    // noticed at once, long before the next poll.
    const second = seen.next();
    const written = Date.now();
    await writeFile(file, flagFile(false));
    await second;
    assert.ok(Date.now() - written < 700, `noticed after ${Date.now() - written} ms: by the poll, not an event`);
  });

  it('a start cut short by its signal leaves no folder watch or timer behind', async () => {
    const file = path.join(dir, 'production.flagd.json');
    await writeFile(file, flagFile(false));
    const watches = sinon.spy(fs, 'watch');
    const intervals = sinon.spy(global, 'setInterval');
    try {
      const adapter = flagdSource({ environments: [{ name: 'production', source: file }] }, dir);
      const started = adapter.watch!(() => undefined, controller.signal, 50);
      controller.abort(); // while the start reads the file
      await started;
      const open = watches.returnValues.filter((w) => (w as unknown as { _handle: unknown })._handle !== null);
      assert.deepEqual([open.length, intervals.callCount], [0, 0]);
    } finally {
      watches.restore();
      intervals.restore();
    }
  });

  it('announces nothing once its signal aborted', async () => {
    const file = path.join(dir, 'production.flagd.json');
    await writeFile(file, flagFile(false));
    const seen = await watching(file, 50);
    controller.abort();
    await writeFile(file, flagFile(true));
    await pause(QUIET_WINDOW_MS);
    assert.equal(seen.count(), 0);
  });

  describe('over http', () => {
    let server: http.Server;
    let url: string;
    let body = flagFile(false);
    let conditional = 0;
    let unconditional = 0;

    beforeEach(async () => {
      body = flagFile(false);
      conditional = 0;
      unconditional = 0;
      server = http.createServer((req, res) => {
        const etag = `"${Buffer.from(body).toString('base64').length}-${body.includes('"on"}') ? 'on' : 'off'}"`;
        if (req.headers['if-none-match'] !== undefined) conditional++;
        else unconditional++;
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, { ETag: etag }).end();
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json', ETag: etag }).end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/production.flagd.json`;
    });
    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('asks with If-None-Match; 304s announce nothing, a new ETag announces once', async () => {
      const seen = await watching(url, 30);
      const deadline = Date.now() + 10_000;
      while (conditional < 3 && Date.now() < deadline) await pause(20);
      assert.ok(conditional >= 3, `conditional requests: ${conditional}`);
      assert.equal(unconditional, 1, 'only the first request is unconditional');
      assert.equal(seen.count(), 0);
      const next = seen.next();
      body = flagFile(true);
      await next;
      assert.equal(seen.count(), 1);
    });
  });
});
