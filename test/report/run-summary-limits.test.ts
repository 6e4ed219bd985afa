import { strict as assert } from 'node:assert';
import type { ProviderResult } from '../../src/reconcile/apply';
import { providerResult } from '../helpers/provider-result';
import { jsonRunSummary, renderRunSummary } from '../../src/report';

const result = (over: Partial<ProviderResult>): ProviderResult => providerResult('files', over);

const tableLine = (l: string): boolean => /^[┌│├└]/.test(l);

describe('run summary: bounded and grouped', () => {
  it('cuts a long error to a readable line instead of printing all of it', () => {
    const error = `POST /bulk: HTTP 400: ${'bad field; '.repeat(2000)}`;
    const text = renderRunSummary({
      ok: false,
      dryRun: false,
      plan: { kind: 'featureflags', providers: [] },
      results: [result({ failed: [{ id: 'files:a', error, reason: 'refused', httpStatus: 400, retryable: false }] })],
    });
    const line = text.split('\n').find((l) => l.startsWith('files: 1 entity not sent'))!;
    assert.ok(line.length < 600, `${line.length} characters`);
    assert.ok(line.endsWith('…'));
  });

  it('names the stop reason once and tells what was not sent as one group, not a line each', () => {
    const failed = Array.from({ length: 19_600 }, (_, i) => ({
      id: `files:f${i}`,
      error: 'aborted',
      reason: 'aborted' as const,
      retryable: true,
    }));
    const report = {
      ok: false,
      dryRun: false,
      stopped: 'received SIGTERM',
      plan: { kind: 'featureflags' as const, providers: [] },
      results: [result({ failed })],
    };
    const lines = renderRunSummary(report)
      .split('\n')
      .filter((l) => !tableLine(l));
    assert.equal(lines[0], 'run stopped early: received SIGTERM; what was not sent goes next run');
    assert.equal(lines[1], 'files: 19600 entities not sent: the run stopped early; they are sent next run');
    assert.ok(lines.length <= 4, lines.join('\n'));
    const json = jsonRunSummary(report);
    assert.equal(json.stopped, 'received SIGTERM');
    assert.equal(json.providers[0]!.notSent, 19_600);
  });
});
