import { strict as assert } from 'node:assert';
import { statusReport } from '../../src/store/status-report';

describe('status report', () => {
  it('counts records per provider and kind, a forgotten hash as pending retry, and lists configured providers with nothing yet, of their kind', () => {
    const report = statusReport(
      'state file x',
      {
        version: 1,
        entities: {
          featureflags: { 'a:1': { h: 'h1', s: 1, p: 'a' }, 'a:2': { h: '', s: 2, p: 'a' }, 'b:1': { h: 'h', s: 1, p: 'b' } },
          devinfo: { 'repo/1': { h: 'h', s: 1, p: 'git' } },
        },
      },
      [],
      [
        { name: 'a', kind: 'featureflags' },
        { name: 'b', kind: 'featureflags' },
        { name: 'git', kind: 'devinfo' },
        { name: 'new', kind: 'featureflags' },
        { name: 'new-git', kind: 'devinfo' },
      ],
    );
    assert.deepEqual(
      report.providers.map((p) => [p.provider, p.kind, p.inJira, p.pendingRetry]),
      [
        ['a', 'featureflags', 1, 1],
        ['b', 'featureflags', 1, 0],
        ['git', 'devinfo', 1, 0],
        ['new', 'featureflags', 0, 0],
        ['new-git', 'devinfo', 0, 0],
      ],
    );
  });

  it("takes each provider's rejected, failed and held-back deletes from the last finished run that read it", () => {
    const summary = (provider: string, deletesRefused: number) => ({
      provider,
      ok: deletesRefused === 0,
      created: 0,
      updated: 0,
      deleted: 0,
      rejected: 0,
      failed: 0,
      deletesRefused,
    });
    const report = statusReport(
      's',
      { version: 1, entities: {} },
      [
        { id: '3', replica: 'p:1', startedAt: '2026-01-03T00:00:00.000Z', outcome: 'running' },
        {
          id: '2',
          replica: 'p:1',
          startedAt: '2026-01-02T00:00:00.000Z',
          endedAt: '2026-01-02T00:00:01.000Z',
          outcome: 'failed',
          providers: [summary('a', 4)],
        },
        {
          id: '1',
          replica: 'p:1',
          startedAt: '2026-01-01T00:00:00.000Z',
          endedAt: '2026-01-01T00:00:01.000Z',
          outcome: 'ok',
          providers: [summary('a', 0), summary('b', 0)],
        },
      ],
      [
        { name: 'a', kind: 'featureflags' },
        { name: 'b', kind: 'featureflags' },
      ],
    );
    assert.equal(report.providers[0]?.lastRun?.deletesHeldBack, 4);
    assert.equal(report.providers[0]?.lastRun?.endedAt, '2026-01-02T00:00:01.000Z');
    assert.equal(report.providers[1]?.lastRun?.endedAt, '2026-01-01T00:00:01.000Z');
  });
});
