import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';

/**
 * The kit must catch broken adapters: broken/contract-runs.ts runs it over a sound adapter and over variants that
 * each break one rule, in a separate mocha process (its failures must not fail this suite); each `it` here reads
 * which checks failed for one variant.
 */
const root = path.resolve(__dirname, '..', '..');

interface MochaJson {
  passes: { fullTitle: string }[];
  failures: { fullTitle: string; err: { message?: string } }[];
}

let results: Promise<MochaJson> | undefined;

function runBrokenContracts(): Promise<MochaJson> {
  results ??= new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'),
        '--reporter',
        'json',
        path.join(__dirname, 'broken', 'contract-runs.ts'),
      ],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        try {
          resolve(JSON.parse(stdout.slice(stdout.indexOf('{'))) as MochaJson);
        } catch {
          reject(error ?? new Error('mocha printed no JSON'));
        }
      },
    );
  });
  return results;
}

function checksOf(tests: { fullTitle: string }[], fault: string): string[] {
  const prefix = `adapter contract v1: tiny-${fault} `;
  return tests
    .filter((f) => f.fullTitle.startsWith(prefix))
    .map((f) => f.fullTitle.slice(prefix.length))
    .sort();
}

async function failedChecks(fault: string): Promise<string[]> {
  return checksOf((await runBrokenContracts()).failures, fault);
}

async function passedChecks(fault: string): Promise<string[]> {
  return checksOf((await runBrokenContracts()).passes, fault);
}

const WATCH_CHECKS = [
  'watch: announces a change to the source',
  'watch: announces nothing while the source stays the same, a snapshot read included',
  'watch: announces nothing once its signal aborted',
] as const;

const MALFORMED_CHECK = 'lists a flag with malformed data in skipped, and still returns every other flag';

describe('runAdapterContract', function () {
  this.timeout(60_000);

  it('passes a sound adapter on every check', async () => {
    assert.deepEqual(await failedChecks('none'), []);
  });

  it("runs the sound adapter's checks, including the malformed-flag one, rather than skipping them", async () => {
    const passed = await passedChecks('none');
    assert.ok(passed.length > 0, 'no check of the sound adapter passed');
    assert.ok(passed.includes(MALFORMED_CHECK), passed.join('\n'));
  });

  it('fails an adapter that silently leaves out a flag with malformed data', async () => {
    assert.deepEqual(await failedChecks('drops-bad-flag'), [MALFORMED_CHECK]);
  });

  it('fails an adapter that rejects the whole snapshot over one malformed flag, saying so', async () => {
    const json = await runBrokenContracts();
    const failure = json.failures.find((f) => f.fullTitle === `adapter contract v1: tiny-rejects-bad-flag ${MALFORMED_CHECK}`);
    assert.match(failure?.err.message ?? '', /rejected over one malformed flag \("plain"\)/);
  });

  it('fails an adapter that resolves with no flags when the source is down or the read is aborted', async () => {
    assert.deepEqual(await failedChecks('swallows-outage'), [
      'keeps secrets out of its errors',
      'rejects when the source is down, instead of resolving with no flags',
      'settles promptly with a rejection when its AbortSignal aborts',
    ]);
  });

  it('fails an adapter that ignores its AbortSignal', async () => {
    assert.deepEqual(await failedChecks('ignores-abort'), ['settles promptly with a rejection when its AbortSignal aborts']);
  });

  it('fails an adapter that puts another provider name on its flags', async () => {
    const failed = await failedChecks('wrong-provider');
    assert.ok(failed.includes('puts the provider name from config on every flag'), failed.join('\n'));
  });

  it('fails an adapter whose flag ids change between snapshots', async () => {
    const failed = await failedChecks('unstable-ids');
    assert.ok(failed.includes('keeps flag ids and content stable across two snapshots'), failed.join('\n'));
  });

  it('fails an adapter that hands the core text that is not an issue key', async () => {
    assert.deepEqual(await failedChecks('bad-issue-key'), ['gives the core valid issue keys, and the expected ones per flag']);
  });

  it('fails an adapter whose output the core codecs refuse, naming the field', async () => {
    const json = await runBrokenContracts();
    const failure = json.failures.find(
      (f) => f.fullTitle === 'adapter contract v1: tiny-invalid-field returns every flag the source holds, and only those',
    );
    assert.match(failure?.err.message ?? '', /flags\[0\]\.environments\[0\]\.enabled: expected boolean/);
  });

  it("runs the sound adapter's watch checks rather than skipping them", async () => {
    const passed = await passedChecks('none');
    for (const check of WATCH_CHECKS) assert.ok(passed.includes(check), `${check} did not pass:\n${passed.join('\n')}`);
  });

  it('fails an adapter whose watch announces changes the source never had', async () => {
    assert.deepEqual(await failedChecks('announces-unchanged'), [WATCH_CHECKS[1]]);
  });

  it('fails an adapter whose watch misses a change', async () => {
    assert.deepEqual(await failedChecks('misses-change'), [WATCH_CHECKS[0]]);
  });

  it('fails an adapter whose watch goes on announcing after its signal aborted', async () => {
    assert.deepEqual(await failedChecks('ignores-watch-abort'), [WATCH_CHECKS[2]]);
  });

  it('fails an adapter that puts its token in an error', async () => {
    assert.deepEqual(await failedChecks('leaks-token'), ['keeps secrets out of its errors']);
  });
});
