import assert from 'node:assert/strict';
import { createJiraClient, devinfoKind, featureFlagsKind, type EntityOutcome } from '../../src/jira';
import { flag, flags, repository } from './entities';
import { acceptAll, CLOUD_ID, fastDeps, startFakeJira, type FakeJira, type SeenRequest } from './fake-jira';

const idsIn = (request: SeenRequest | undefined) => ((request?.body as { flags: { id: string }[] }).flags ?? []).map((f) => f.id);
const statuses = (outcomes: readonly EntityOutcome[]) => outcomes.map((o) => o.status);
const errorOf = (outcome: EntityOutcome | undefined) => (outcome !== undefined && outcome.status === 'failed' ? outcome.error : '');

describe('jira submit engine', () => {
  let fake: FakeJira | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  describe('batching', () => {
    it('posts to /jira/featureflags/0.1/cloud/{cloudId}/bulk', async () => {
      fake = await startFakeJira();
      await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, [flag('a')]);
      assert.equal(fake.apiRequests()[0]?.path, `/jira/featureflags/0.1/cloud/${CLOUD_ID}/bulk`);
    });

    it('sends 100 flags in one request', async () => {
      fake = await startFakeJira();
      const report = await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, flags(100));
      assert.equal(fake.apiRequests().length, 1);
      assert.equal(report.requests, 1);
    });

    it('sends 101 flags in two requests', async () => {
      fake = await startFakeJira();
      await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, flags(101));
      assert.deepEqual(
        fake
          .apiRequests()
          .map((r) => idsIn(r).length)
          .sort((a, b) => b - a),
        [100, 1],
      );
    });

    it('gives each request its own entities', async () => {
      fake = await startFakeJira();
      const all = flags(250);
      await createJiraClient(fake.settings({ concurrency: 3 }), fastDeps().deps).submit(featureFlagsKind, all);
      const sent = fake.apiRequests().map(idsIn);
      assert.equal(sent.length, 3);
      assert.deepEqual(sent.flat().sort(), all.map((f) => f.id).sort());
    });

    it('puts the properties on every request', async () => {
      fake = await startFakeJira();
      await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, flags(101), { properties: { source: 'flagsync' } });
      assert.deepEqual(
        fake.apiRequests().map((r) => (r.body as { properties: unknown }).properties),
        [{ source: 'flagsync' }, { source: 'flagsync' }],
      );
    });

    it('splits devinfo at 1000 nested entities per request', async () => {
      fake = await startFakeJira();
      const repos = [repository('r1', 400), repository('r2', 400), repository('r3', 200), repository('r4', 1)];
      await createJiraClient(fake.settings(), fastDeps().deps).submit(devinfoKind, repos);
      const sent = fake.apiRequests().map((r) => (r.body as { repositories: { id: string }[] }).repositories.map((x) => x.id));
      assert.deepEqual(
        sent.sort((a, b) => b.length - a.length),
        [['r1', 'r2', 'r3'], ['r4']],
      );
    });

    it('posts devinfo to version 0.1 on the proxy', async () => {
      fake = await startFakeJira();
      await createJiraClient(fake.settings(), fastDeps().deps).submit(devinfoKind, [repository('r1', 1)]);
      assert.equal(fake.apiRequests()[0]?.path, `/jira/devinfo/0.1/cloud/${CLOUD_ID}/bulk`);
    });

    it('splits a batch whose body would pass maxPayloadBytes', async () => {
      fake = await startFakeJira();
      const all = flags(10);
      const oneFlagBytes = Buffer.byteLength(JSON.stringify(all[0]));
      await createJiraClient(fake.settings({ maxPayloadBytes: oneFlagBytes * 4 }), fastDeps().deps).submit(featureFlagsKind, all);
      const sizes = fake.apiRequests().map((r) => idsIn(r).length);
      assert.ok(sizes.length >= 3, `expected at least 3 requests, got ${sizes.length}`);
      assert.ok(sizes.every((n) => n <= 3));
    });

    it('on a 413 splits the batch in half and retries both halves', async () => {
      fake = await startFakeJira({
        api: (req) =>
          idsIn(req).length > 25 ? { status: 413, body: [{ message: 'Submit fewer flags in each payload' }] } : acceptAll(req, 0),
      });
      const report = await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, flags(100));
      assert.deepEqual(
        fake.apiRequests().map((r) => idsIn(r).length),
        [100, 50, 25, 25, 50, 25, 25],
      );
      assert.deepEqual(new Set(statuses(report.outcomes)), new Set(['accepted']));
    });

    it('keeps the same per-entity outcomes order as the input', async () => {
      fake = await startFakeJira();
      const all = flags(230);
      const report = await createJiraClient(fake.settings({ concurrency: 4 }), fastDeps().deps).submit(featureFlagsKind, all);
      assert.deepEqual(
        report.outcomes.map((o) => o.id),
        all.map((f) => f.id),
      );
    });
  });

  describe('answers', () => {
    it('surfaces rejected entities with Jira messages and attributes unknown issue keys', async () => {
      fake = await startFakeJira({
        api: () => ({
          status: 202,
          body: {
            acceptedFeatureFlags: ['a'],
            failedFeatureFlags: { b: [{ message: "'url' is required" }] },
            unknownIssueKeys: ['NOPE-9'],
          },
        }),
      });
      const report = await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, [
        flag('a', ['PROJ-1', 'NOPE-9']),
        flag('b', ['PROJ-2']),
      ]);
      assert.deepEqual(report.outcomes, [
        { id: 'a', status: 'accepted', unknownIssueKeys: ['NOPE-9'] },
        { id: 'b', status: 'rejected', messages: ["'url' is required"], unknownIssueKeys: [] },
      ]);
    });

    it('turns a malformed 202 body into failed outcomes naming the URL', async () => {
      fake = await startFakeJira({ api: () => ({ status: 202, body: { acceptedFeatureFlags: 'a' } }) });
      const report = await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, [flag('a')]);
      assert.equal(report.outcomes[0]?.status, 'failed');
      assert.match(
        errorOf(report.outcomes[0]),
        /malformed answer to POST http:\/\/127\.0\.0\.1:\d+\/jira\/featureflags.*acceptedFeatureFlags/,
      );
    });

    it('a 400 for one batch fails only its entities, with Jira messages', async () => {
      fake = await startFakeJira({
        api: (req) => (idsIn(req).includes('bad-0') ? { status: 400, body: [{ message: 'flags[0].key is required' }] } : acceptAll(req, 0)),
      });
      const all = [...flags(100, 'ok'), ...flags(1, 'bad'), ...flags(50, 'late')];
      const report = await createJiraClient(fake.settings({ maxPayloadBytes: 10_000_000 }), fastDeps().deps).submit(featureFlagsKind, all);
      const failed = report.outcomes.filter((o) => o.status === 'failed');
      // Batches are [ok-0..ok-99] and [bad-0, late-0..late-49]; only the second is refused.
      assert.deepEqual(
        failed.map((o) => o.id),
        ['bad-0', ...flags(50, 'late').map((f) => f.id)],
      );
      assert.match(errorOf(failed[0]), /HTTP 400: flags\[0\]\.key is required/);
      assert.ok(
        failed.every((o) => o.status === 'failed' && !o.retryable),
        'a 400 is a final answer',
      );
      assert.deepEqual(
        report.outcomes.filter((o) => o.status === 'accepted').map((o) => o.id),
        flags(100, 'ok').map((f) => f.id),
      );
    });

    it('a 403 fails the kind with the permission a Jira admin must grant, sending nothing more', async () => {
      fake = await startFakeJira({ api: () => ({ status: 403 }) });
      const report = await createJiraClient(fake.settings({ concurrency: 1 }), fastDeps().deps).submit(featureFlagsKind, flags(300));
      assert.equal(fake.apiRequests().length, 1);
      assert.deepEqual(new Set(statuses(report.outcomes)), new Set(['failed']));
      assert.match(errorOf(report.outcomes[299]), /"Feature flags" permission.*Jira admin/);
    });

    it('awaits onBatch after each batch with that batch outcomes', async () => {
      fake = await startFakeJira();
      const seen: string[][] = [];
      await createJiraClient(fake.settings({ concurrency: 1 }), fastDeps().deps).submit(featureFlagsKind, flags(150), {
        onBatch: async (outcomes) => {
          await new Promise((resolve) => setImmediate(resolve));
          seen.push(outcomes.map((o) => o.id));
        },
      });
      assert.deepEqual(
        seen.map((ids) => ids.length),
        [100, 50],
      );
    });
  });
});
