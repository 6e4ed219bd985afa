import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { CHILD_SDK_KEY, type ChildPlan, type ChildResult } from './malformed-child';
import production from './fixtures/production.json';

/**
 * A malformed flag (or segment) from the Relay Proxy or LaunchDarkly never ends the process. The SDK throws on some
 * shapes outside anything the adapter awaits: in its stream event handler while preparing a flag for evaluation
 * (rules or clauses not a list, a null rule, a null flag: an uncaught exception), and in its change tracking, which
 * walks prerequisites and segment clauses in a promise nobody awaits (an unhandled rejection), with streaming and
 * polling alike. Node ends the process on either, so each case runs in a child process (malformed-child.ts) and
 * must exit normally with its result printed.
 */
const CHILD = path.join(__dirname, 'malformed-child.ts');
const banner = production.flags['PROJ-5-banner'];
const changed = (fields: Record<string, unknown>) => ({ ...banner, version: banner.version + 1, ...fields });

interface ChildRun {
  readonly code: number | null;
  readonly stderr: string;
  readonly stdout: string;
  readonly lines: readonly { level?: number; msg?: string; environment?: string; flag?: string; segment?: string; result?: ChildResult }[];
  readonly result: ChildResult | undefined;
}

function runChild(plan: ChildPlan): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', CHILD, JSON.stringify(plan)], {
      cwd: path.join(__dirname, '..', '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as ChildRun['lines'][number]);
      resolve({ code, stderr, stdout, lines, result: lines.find((l) => l.result !== undefined)?.result });
    });
  });
}

/** The child ended on its own, printing its result: no uncaught exception or unhandled rejection killed it. */
function assertSurvived(run: ChildRun): ChildResult {
  assert.equal(run.code, 0, `the child died:\n${run.stderr.split('\n').slice(0, 8).join('\n')}`);
  assert.ok(run.result !== undefined, 'the child printed its result');
  assert.ok(!`${run.stdout}${run.stderr}`.includes(CHILD_SDK_KEY), 'the SDK key appears in the output');
  return run.result;
}

const warnings = (run: ChildRun) => run.lines.filter((l) => l.level === 40);

describe('LaunchDarkly: a malformed streamed flag never ends the process', function () {
  this.timeout(30000);

  // Each shape ended the daemon before the fix; the comment says where the SDK threw.
  const patches: { name: string; event: 'patch' | 'put' | 'delete'; data: unknown; key: string }[] = [
    // The SDK's stream handler, preparing the flag for evaluation: an uncaught exception.
    {
      name: 'patch whose rules are not a list',
      event: 'patch',
      data: { path: '/flags/PROJ-5-banner', data: changed({ rules: 'none' }) },
      key: 'PROJ-5-banner',
    },
    {
      name: 'patch with a null rule',
      event: 'patch',
      data: { path: '/flags/PROJ-5-banner', data: changed({ rules: [null] }) },
      key: 'PROJ-5-banner',
    },
    {
      name: "patch whose rule's clauses are not a list",
      event: 'patch',
      data: { path: '/flags/PROJ-5-banner', data: changed({ rules: [{ variation: 0, clauses: 'email' }] }) },
      key: 'PROJ-5-banner',
    },
    { name: 'patch of a flag to null', event: 'patch', data: { path: '/flags/PROJ-5-banner', data: null }, key: 'PROJ-5-banner' },
    { name: 'patch without a path', event: 'patch', data: { data: changed({}) }, key: '' },
    // The SDK's change tracking, in a promise nobody awaits: an unhandled rejection.
    {
      name: 'patch whose prerequisites are not a list',
      event: 'patch',
      data: { path: '/flags/PROJ-5-banner', data: changed({ prerequisites: 'checkout-v2' }) },
      key: 'PROJ-5-banner',
    },
    {
      name: 'patch with a null prerequisite',
      event: 'patch',
      data: { path: '/flags/PROJ-5-banner', data: changed({ prerequisites: [null] }) },
      key: 'PROJ-5-banner',
    },
    {
      name: 'patch with a null clause',
      event: 'patch',
      data: { path: '/flags/PROJ-5-banner', data: changed({ rules: [{ variation: 0, clauses: [null] }] }) },
      key: 'PROJ-5-banner',
    },
    {
      name: 'patch with a segmentMatch clause whose values are not a list',
      event: 'patch',
      data: {
        path: '/flags/PROJ-5-banner',
        data: changed({ rules: [{ variation: 0, clauses: [{ attribute: 'key', op: 'segmentMatch', values: 'beta-testers' }] }] }),
      },
      key: 'PROJ-5-banner',
    },
    { name: 'patch of a segment to null', event: 'patch', data: { path: '/segments/beta-testers', data: null }, key: 'beta-testers' },
    {
      name: 'put (a new full data set, as after a reconnect) with prerequisites that are not a list',
      event: 'put',
      data: { path: '/', data: { ...production, flags: { ...production.flags, 'PROJ-5-banner': changed({ prerequisites: {} }) } } },
      key: 'PROJ-5-banner',
    },
  ];

  for (const p of patches) {
    it(`watch: a streamed ${p.name} is warned about (naming the environment) and triggers a sync`, async () => {
      const run = await runChild({ mode: 'watch', events: [{ event: p.event, data: p.data }] });
      const result = assertSurvived(run);
      assert.equal(result.error, undefined);
      assert.ok((result.changes ?? 0) >= 1, `changes: ${result.changes}`);
      const warned = warnings(run);
      assert.ok(
        warned.some((l) => l.environment === 'production' && (p.key === '' || (l.flag ?? l.segment) === p.key)),
        `warnings: ${JSON.stringify(warned)}`,
      );
    });
  }

  it('watch: the SDK still announces a good patch after a malformed one', async () => {
    const run = await runChild({
      mode: 'watch',
      events: [
        { event: 'patch', data: { path: '/flags/PROJ-5-banner', data: changed({ prerequisites: [null] }) } },
        { event: 'patch', data: { path: '/flags/checkout-v2', data: { ...production.flags['checkout-v2'], version: 99, on: false } } },
      ],
    });
    assert.ok((assertSurvived(run).changes ?? 0) >= 2);
  });

  for (const [name, flag] of [
    ['rules that are not a list', { ...banner, key: 'bad', rules: 'none' }],
    ['prerequisites that are not a list', { ...banner, key: 'bad', prerequisites: 'checkout-v2' }],
  ] as const) {
    it(`watch: a flag with ${name} in the stream's first data set starts the watch, with a warning and no change`, async () => {
      const run = await runChild({ mode: 'watch', flags: { bad: flag } });
      const result = assertSurvived(run);
      assert.deepEqual([result.error, result.changes], [undefined, 0]);
      assert.ok(
        warnings(run).some((l) => l.environment === 'production' && l.flag === 'bad'),
        JSON.stringify(warnings(run)),
      );
    });
  }

  for (const stream of [false, true]) {
    for (const [name, flag] of [
      ['prerequisites that are not a list', { ...banner, key: 'bad', prerequisites: 'checkout-v2' }],
      ['a clause that is null', { ...banner, key: 'bad', rules: [{ variation: 0, clauses: [null] }] }],
    ] as const) {
      it(`snapshot (${stream ? 'streaming' : 'polling'}): a flag with ${name} is skipped and the process lives on`, async () => {
        const result = assertSurvived(await runChild({ mode: 'snapshot', stream, flags: { bad: flag } }));
        assert.deepEqual([result.error, result.skipped], [undefined, ['bad']]);
      });
    }
  }

  it('snapshot (streaming): a flag whose rules are not a list is skipped, where the SDK threw in its stream handler', async () => {
    const result = assertSurvived(
      await runChild({ mode: 'snapshot', stream: true, flags: { bad: { ...banner, key: 'bad', rules: 'none' } } }),
    );
    assert.deepEqual([result.error, result.skipped], [undefined, ['bad']]);
  });
});
