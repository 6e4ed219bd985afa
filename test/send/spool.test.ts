import { strict as assert } from 'node:assert';
import { promises as fsp } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import sinon from 'sinon';
import * as path from 'node:path';
import { createJiraClient } from '../../src/jira';
import type { JiraBuild } from '../../src/jira/payloads';
import { silentLogger } from '../../src/log';
import {
  deliver,
  drainSpool,
  prepareBuild,
  spooledFiles,
  spoolEvent,
  SpoolWriteError,
  UNLISTED_KEPT_MS,
  type SendEvent,
} from '../../src/send';
import { startSimulator, type Simulator } from '../../src/simulator';
import { tempDir } from '../helpers/flagd-fixtures';

async function buildEvent(number: number, branch = 'feature/PROJ-9-login'): Promise<SendEvent> {
  const prepared = await prepareBuild(
    { pipelineId: 'web', buildNumber: String(number), state: 'successful', url: 'http://ci.example/web/1', branch },
    { now: Date.now(), cwd: process.cwd() },
  );
  return prepared.event;
}

const clientFor = (sim: Simulator, url = sim.url) =>
  createJiraClient({
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    tokenUrl: `${url}/oauth/token`,
    apiBaseUrl: url,
    cloudId: sim.cloudId,
    maxAttempts: 2,
    backoffBaseMs: 1,
    backoffCapMs: 5,
  });

describe('spool: nothing lost while Jira is unreachable', () => {
  let sim: Simulator;
  let dir: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir('flagsync-spool-');
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a 503 after every retry counts as unreachable, not as rejected', async () => {
    sim.injectFault({ type: 'status', status: 503, path: '/builds/', times: 10 });
    const result = await deliver(clientFor(sim), await buildEvent(1));
    assert.equal(result.status, 'unreachable');
  });

  it('a closed server counts as unreachable', async () => {
    const url = sim.url;
    await sim.close();
    const result = await deliver(clientFor(sim, url), await buildEvent(1));
    sim = await startSimulator({});
    assert.equal(result.status, 'unreachable');
  });

  it('an unknown issue key is a rejection (never spooled)', async () => {
    const result = await deliver(clientFor(sim), await buildEvent(1, 'NOPE-1-x'));
    assert.deepEqual(result.status === 'rejected' && result.messages, ['No valid issues found for build']);
  });

  it('spooled events survive the outage and drain in order once Jira is back', async () => {
    sim.injectFault({ type: 'status', status: 503, path: '/builds/', times: 100 });
    for (const n of [1, 2]) await spoolEvent(dir, await buildEvent(n), Date.now() + n);
    const during = await drainSpool(dir, clientFor(sim), silentLogger);
    assert.deepEqual([during.delivered, during.remaining], [0, 2]);
    sim.reset();
    const after = await drainSpool(dir, clientFor(sim), silentLogger);
    assert.deepEqual([after.delivered, after.remaining], [2, 0]);
    assert.deepEqual((sim.stored('builds') as JiraBuild[]).map((b) => b.buildNumber).sort(), [1, 2]);
  });

  it('removes a spool file only once Jira accepted its event', async () => {
    await spoolEvent(dir, await buildEvent(3), Date.now());
    sim.injectFault({ type: 'status', status: 503, path: '/builds/', times: 100 });
    await drainSpool(dir, clientFor(sim), silentLogger);
    assert.equal((await spooledFiles(dir)).length, 1);
    sim.reset();
    await drainSpool(dir, clientFor(sim), silentLogger);
    assert.equal((await spooledFiles(dir)).length, 0);
  });

  it('moves an event Jira rejects to rejected/ with the reason, and goes on', async () => {
    await spoolEvent(dir, await buildEvent(4, 'NOPE-4-x'), 1);
    await spoolEvent(dir, await buildEvent(5), 2);
    const report = await drainSpool(dir, clientFor(sim), silentLogger);
    assert.deepEqual([report.delivered, report.rejected.length], [1, 1]);
    assert.match(report.rejected[0]!.reason, /No valid issues found/);
    assert.equal((await readdir(path.join(dir, 'rejected'))).filter((f) => f.endsWith('.event.json')).length, 1);
  });

  it("a failure carries Jira's status and a reason code, not only text", async () => {
    sim.injectFault({ type: 'status', status: 413, path: '/builds/', body: [{ message: 'too large' }] });
    const result = await deliver(clientFor(sim), await buildEvent(6));
    assert.deepEqual(result.status === 'failed' && [result.reason, result.httpStatus], ['refused', 413]);
  });

  it('the status decides what happens to a spooled event, whatever the message says', async () => {
    // Refused credentials (401 even after a fresh token) concern every event: it stays, though the text reads "HTTP 400".
    const misleading = [{ message: 'gateway: HTTP 400 Bad Request' }];
    sim.injectFault({ type: 'status', status: 401, path: '/builds/', times: 2, body: misleading });
    await spoolEvent(dir, await buildEvent(7), 1);
    const waiting = await drainSpool(dir, clientFor(sim), silentLogger);
    assert.deepEqual([waiting.rejected.length, waiting.remaining], [0, 1]);
    // A 400 for the event's own request will never be accepted: it moves aside, whatever its text.
    sim.injectFault({ type: 'status', status: 400, path: '/builds/', body: [{ message: 'malformed' }] });
    const refused = await drainSpool(dir, clientFor(sim), silentLogger);
    assert.deepEqual([refused.rejected.length, refused.remaining], [1, 0]);
  });

  it("an event Jira's answer leaves unlisted stays spooled without holding up the events after it; after 7 days it moves aside", async () => {
    // The first answer lists neither outcome: nothing final is known of event 21, but event 22 is a request of its own.
    sim.injectFault({ type: 'status', status: 202, path: '/builds/', times: 1, body: { acceptedBuilds: [], rejectedBuilds: [] } });
    const spooledAt = Date.now();
    await spoolEvent(dir, await buildEvent(21), spooledAt);
    await spoolEvent(dir, await buildEvent(22), spooledAt + 1);
    const first = await drainSpool(dir, clientFor(sim), silentLogger);
    assert.deepEqual([first.delivered, first.rejected.length, first.remaining, first.stoppedBy], [1, 0, 1, undefined]);
    assert.deepEqual(
      (sim.stored('builds') as JiraBuild[]).map((b) => b.buildNumber),
      [22],
    );
    // Still unlisted a week later: it moves to rejected/ with the reason, never tried again.
    sim.injectFault({ type: 'status', status: 202, path: '/builds/', times: 1, body: { acceptedBuilds: [], rejectedBuilds: [] } });
    const later = await drainSpool(dir, clientFor(sim), silentLogger, undefined, () => spooledAt + UNLISTED_KEPT_MS + 1);
    assert.deepEqual([later.delivered, later.rejected.length, later.remaining], [0, 1, 0]);
    assert.match(later.rejected[0]!.reason, /neither as accepted nor as rejected, and it was spooled more than 7 days ago/);
  });

  it('two drains at once both finish; every event is stored and the spool ends empty', async () => {
    for (const n of [11, 12, 13, 14, 15]) await spoolEvent(dir, await buildEvent(n), n);
    const reports = await Promise.all([drainSpool(dir, clientFor(sim), silentLogger), drainSpool(dir, clientFor(sim), silentLogger)]);
    assert.deepEqual(
      {
        remaining: reports.map((r) => r.remaining),
        files: await spooledFiles(dir),
        stored: (sim.stored('builds') as JiraBuild[]).map((b) => b.buildNumber).sort(),
      },
      { remaining: [0, 0], files: [], stored: [11, 12, 13, 14, 15] },
    );
  });

  describe('durability of folders', () => {
    afterEach(() => sinon.restore());
    const foldersOpened = (open: sinon.SinonSpy) =>
      open
        .getCalls()
        .filter((c) => c.args[1] === 'r')
        .map((c) => String(c.args[0]));

    it('fsyncs the parents of a spool folder it creates', async () => {
      const open = sinon.spy(fsp, 'open');
      const spool = path.join(dir, 'new', 'spool');
      await spoolEvent(spool, await buildEvent(7), Date.now());
      const opened = foldersOpened(open);
      assert.ok(opened.includes(dir) && opened.includes(path.join(dir, 'new')), `folders fsynced: ${opened.join(', ')}`);
    });

    it('fsyncs both the spool and rejected/ after moving a refused event', async () => {
      await spoolEvent(dir, await buildEvent(8, 'NOPE-8-x'), 1);
      const open = sinon.spy(fsp, 'open');
      await drainSpool(dir, clientFor(sim), silentLogger);
      const opened = foldersOpened(open);
      assert.ok(opened.includes(dir) && opened.includes(path.join(dir, 'rejected')), `folders fsynced: ${opened.join(', ')}`);
    });
  });

  describe('a spool that cannot be written', () => {
    afterEach(() => sinon.restore());

    it("only the folder's fsync failed: the error says the event file is there (kept)", async () => {
      const open = fsp.open.bind(fsp);
      sinon
        .stub(fsp, 'open')
        .callsFake((file, flags, mode) =>
          String(file) === dir && flags === 'r'
            ? Promise.reject(Object.assign(new Error(`EIO: i/o error, open '${dir}'`), { code: 'EIO' }))
            : open(file, flags, mode),
        );
      const error = await spoolEvent(dir, await buildEvent(9), Date.now()).then(
        () => assert.fail('spooled'),
        (e: unknown) => e as SpoolWriteError,
      );
      assert.ok(error instanceof SpoolWriteError);
      assert.equal(error.message, `cannot spool to ${dir} (EIO: i/o error)`);
      assert.equal(error.kept, true);
      assert.deepEqual(await spooledFiles(dir), [error.file]);
    });

    it('the file could not be written: not kept, and no temp file left', async () => {
      const spool = path.join(dir, 'full');
      await fsp.mkdir(spool);
      sinon.stub(fsp, 'open').rejects(Object.assign(new Error('ENOSPC: no space left on device, open'), { code: 'ENOSPC' }));
      const error = await spoolEvent(spool, await buildEvent(10), Date.now()).then(
        () => assert.fail('spooled'),
        (e: unknown) => e as SpoolWriteError,
      );
      assert.deepEqual([error.kept, error.message], [false, `cannot spool to ${spool} (ENOSPC: no space left on device)`]);
      sinon.restore();
      assert.deepEqual(await readdir(spool), []);
    });
  });

  it('leaves no temp files behind after writing', async () => {
    await spoolEvent(dir, await buildEvent(6), Date.now());
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });
});
