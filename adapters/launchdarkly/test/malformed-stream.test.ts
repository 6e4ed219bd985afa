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
/** The keys of the fixture's flags that are not deleted (tombstones), sorted. */
const liveFlags = Object.entries(production.flags)
  .filter(([, flag]) => !('deleted' in flag && flag.deleted === true))
  .map(([key]) => key)
  .sort();

interface ChildLine {
  readonly level?: number;
  readonly msg?: string;
  readonly environment?: string;
  readonly flag?: string;
  readonly segment?: string;
  /** A warning about a full data set: how many items it kept from the SDK, and the first few keys. */
  readonly count?: number;
  readonly flags?: readonly string[];
  readonly segments?: readonly string[];
  readonly result?: ChildResult;
}

interface ChildRun {
  readonly code: number | null;
  readonly stderr: string;
  readonly stdout: string;
  readonly lines: readonly ChildLine[];
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
/** A warning line naming this flag or segment key in this environment, alone or among a data set's first few. */
const names = (line: ChildLine, key: string) =>
  line.environment === 'production' &&
  ((line.flag ?? line.segment) === key || (line.flags ?? []).includes(key) || (line.segments ?? []).includes(key));

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
        warned.some((l) => (p.key === '' ? l.environment === 'production' : names(l, p.key))),
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
        warnings(run).some((l) => names(l, 'bad')),
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

/**
 * The SDK's change tracking keeps flag and segment keys as properties of plain objects, so a key that names a property
 * every object has (`constructor`, `toString`, `__proto__`…) finds the inherited function and throws, in a promise
 * nobody awaits: the item's own key, a prerequisite's key, a segment key a `segmentMatch` clause names, a streamed
 * patch's or delete's key. Such an item is kept from the SDK; a snapshot skips a flag by key (never as deleted: Jira
 * keeps its copy), the watch warns and syncs.
 */
describe('LaunchDarkly: a key named like a built-in object property never ends the process', function () {
  this.timeout(60000);

  const valid = (key: string, fields: Record<string, unknown> = {}) => ({ ...banner, key, ...fields });
  const matching = (segment: string) => ({
    rules: [{ variation: 0, clauses: [{ attribute: 'key', op: 'segmentMatch', values: [segment], negate: false }] }],
  });
  const betaTesters = production.segments['beta-testers'];
  /** An own `__proto__` property, as JSON.parse makes one (a literal would set the prototype instead). */
  const own = (key: string, value: unknown) => Object.fromEntries([[key, value]]) as Record<string, unknown>;
  const allFlags = liveFlags;

  const shapes: { name: string; plan: Pick<ChildPlan, 'flags' | 'segments'>; skipped: string[] }[] = [
    { name: 'a flag keyed "constructor"', plan: { flags: { constructor: valid('constructor') } }, skipped: ['constructor'] },
    { name: 'a flag keyed "toString"', plan: { flags: { toString: valid('toString') } }, skipped: ['toString'] },
    { name: 'a flag keyed "__proto__"', plan: { flags: own('__proto__', valid('__proto__')) }, skipped: ['__proto__'] },
    {
      name: 'a flag whose prerequisite is keyed "valueOf"',
      plan: { flags: { 'PROJ-5-banner': changed({ prerequisites: [{ key: 'valueOf', variation: 0 }] }) } },
      skipped: ['PROJ-5-banner'],
    },
    {
      name: 'a flag whose segmentMatch clause names segment "hasOwnProperty"',
      plan: { flags: { 'PROJ-5-banner': changed(matching('hasOwnProperty')) } },
      skipped: ['PROJ-5-banner'],
    },
    { name: 'a segment keyed "constructor"', plan: { segments: { constructor: { ...betaTesters, key: 'constructor' } } }, skipped: [] },
  ];

  for (const stream of [false, true]) {
    for (const shape of shapes) {
      it(`snapshot (${stream ? 'streaming' : 'polling'}): ${shape.name} is skipped by key, the rest mapped, and the process lives on`, async () => {
        const result = assertSurvived(await runChild({ mode: 'snapshot', stream, ...shape.plan }));
        assert.equal(result.error, undefined);
        assert.deepEqual(result.skipped, shape.skipped);
        assert.deepEqual(
          [...(result.flags ?? [])].sort(),
          allFlags.filter((k) => !shape.skipped.includes(k)).sort(),
          'every other flag is mapped: none lost as if deleted',
        );
      });
    }
  }

  const events: { name: string; event: 'patch' | 'put' | 'delete'; data: unknown; key: string }[] = [
    {
      name: 'patch of a flag keyed "constructor"',
      event: 'patch',
      data: { path: '/flags/constructor', data: valid('constructor') },
      key: 'constructor',
    },
    {
      name: 'patch of a flag whose prerequisite is keyed "toString"',
      event: 'patch',
      data: { path: '/flags/PROJ-5-banner', data: changed({ prerequisites: [{ key: 'toString', variation: 0 }] }) },
      key: 'PROJ-5-banner',
    },
    {
      name: 'patch of a flag whose segmentMatch clause names segment "valueOf"',
      event: 'patch',
      data: { path: '/flags/PROJ-5-banner', data: changed(matching('valueOf')) },
      key: 'PROJ-5-banner',
    },
    {
      name: 'delete of flag "hasOwnProperty"',
      event: 'delete',
      data: { path: '/flags/hasOwnProperty', version: 3 },
      key: 'hasOwnProperty',
    },
    {
      name: 'patch of segment "__proto__"',
      event: 'patch',
      data: { path: '/segments/__proto__', data: { ...betaTesters, key: '__proto__' } },
      key: '__proto__',
    },
    { name: 'delete of segment "constructor"', event: 'delete', data: { path: '/segments/constructor', version: 2 }, key: 'constructor' },
    {
      name: 'put (as after a reconnect) with a flag keyed "toString"',
      event: 'put',
      data: { path: '/', data: { ...production, flags: { ...production.flags, toString: valid('toString') } } },
      key: 'toString',
    },
  ];

  for (const e of events) {
    it(`watch: a streamed ${e.name} is warned about (naming the environment and the key) and triggers a sync`, async () => {
      const run = await runChild({ mode: 'watch', events: [{ event: e.event, data: e.data }] });
      const result = assertSurvived(run);
      assert.equal(result.error, undefined);
      assert.ok((result.changes ?? 0) >= 1, `changes: ${result.changes}`);
      assert.ok(
        warnings(run).some((l) => names(l, e.key)),
        JSON.stringify(warnings(run)),
      );
    });
  }

  it('watch: two streamed puts in a row with a flag keyed "constructor" (the SDK compares the second with what the store holds)', async () => {
    const put = { path: '/', data: { ...production, flags: { ...production.flags, constructor: valid('constructor') } } };
    const run = await runChild({
      mode: 'watch',
      flags: { constructor: valid('constructor') },
      events: [
        { event: 'put', data: put },
        { event: 'put', data: put },
      ],
    });
    assertSurvived(run);
    assert.ok(warnings(run).filter((l) => names(l, 'constructor')).length >= 3, JSON.stringify(warnings(run)));
  });
});

/**
 * A data set whose `flags` or `segments` is not a key → item map: the SDK walks it with Object.keys all the same (a
 * list's items too), and throws on a `null` prerequisite or clause in them. The SDK is handed an empty map instead; a
 * snapshot still rejects a data set whose `flags` is not a map.
 */
describe('LaunchDarkly: a data set whose flags or segments is not a map never ends the process', function () {
  this.timeout(30000);

  for (const stream of [false, true]) {
    const mode = stream ? 'streaming' : 'polling';
    it(`snapshot (${mode}): flags as a list rejects the data set, and the process lives on`, async () => {
      const result = assertSurvived(
        await runChild({ mode: 'snapshot', stream, data: { flags: [{ prerequisites: [null] }], segments: {} } }),
      );
      assert.match(result.error ?? '', /flags: expected a map of flag key to flag/);
    });

    it(`snapshot (${mode}): segments as a list leaves the flags read, and the process lives on`, async () => {
      const result = assertSurvived(
        await runChild({
          mode: 'snapshot',
          stream,
          data: { flags: production.flags, segments: [{ rules: [{ clauses: [null] }] }] },
        }),
      );
      assert.equal(result.error, undefined);
      assert.deepEqual([...(result.flags ?? [])].sort(), liveFlags);
    });
  }

  it('watch: a streamed put whose flags is a list is warned about and triggers a sync', async () => {
    const run = await runChild({
      mode: 'watch',
      events: [{ event: 'put', data: { path: '/', data: { flags: [{ prerequisites: [null] }], segments: {} } } }],
    });
    const result = assertSurvived(run);
    assert.ok((result.changes ?? 0) >= 1, `changes: ${result.changes}`);
    assert.ok(
      warnings(run).some((l) => l.environment === 'production' && /flags/.test(l.msg ?? '')),
      JSON.stringify(warnings(run)),
    );
  });
});

/** Thousands of malformed items must not flood the log on every reconnect: one warning per full data set. */
describe('LaunchDarkly watch: one warning per full data set for the items it kept from the SDK', function () {
  this.timeout(30000);

  const many = Object.fromEntries(
    Array.from({ length: 40 }, (_, i) => [
      `bad-${String(i).padStart(2, '0')}`,
      { ...banner, key: `bad-${String(i).padStart(2, '0')}`, prerequisites: [null] },
    ]),
  );

  const assertOneLine = (run: ChildRun) => {
    const about = warnings(run).filter((l) => (l.flags ?? []).some((k) => k.startsWith('bad-')) || /bad-/.test(l.msg ?? ''));
    assert.equal(about.length, 1, JSON.stringify(warnings(run)));
    const line = about[0]!;
    assert.equal(line.count, 40);
    assert.ok((line.flags ?? []).length <= 5, JSON.stringify(line));
    assert.match(line.msg ?? '', /40/);
  };

  it("in the stream's first data set", async () => {
    const run = await runChild({ mode: 'watch', flags: many });
    assert.equal(assertSurvived(run).changes, 0);
    assertOneLine(run);
  });

  it('in a put streamed later (as after a reconnect)', async () => {
    const run = await runChild({
      mode: 'watch',
      events: [{ event: 'put', data: { path: '/', data: { ...production, flags: { ...production.flags, ...many } } } }],
    });
    assert.ok((assertSurvived(run).changes ?? 0) >= 1);
    assertOneLine(run);
  });
});
