import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import fsPromises from 'node:fs/promises';
import { copyFile, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as sinon from 'sinon';
import { SourceError, type FlagSource } from '../../../src/kit/contract';
import { digestOf } from '../digest';
import { checkSource, type SpareBuffer } from '../read';
import { FIXTURES, flagdSource, liveSignal, rejectionOf } from './helpers';

const twoEnvironments = {
  environments: [
    { name: 'production', type: 'production', source: './production.flagd.json' },
    { name: 'staging', type: 'staging', source: './staging.flagd.json' },
  ],
};

describe('flagd snapshot from local files', () => {
  let dir: string;
  const MTIME = new Date('2026-03-04T05:06:07.000Z');

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flagd-files-'));
    for (const name of [
      'production.flagd.json',
      'staging.flagd.json',
      'shared.flagd.yaml',
      'invalid-state.flagd.json',
      'unknown-bucket.flagd.json',
    ]) {
      await copyFile(path.join(FIXTURES, name), path.join(dir, name));
      await utimes(path.join(dir, name), MTIME, MTIME);
    }
  });
  afterEach(async () => {
    sinon.restore();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads one file per environment, sources relative to the config folder', async () => {
    const { flags } = await flagdSource(twoEnvironments, dir).snapshot(liveSignal());
    const alpha = flags.find((f) => f.key === 'PROJ-1-alpha')!;
    assert.deepEqual(
      alpha.environments.map((e) => ({ name: e.name, enabled: e.enabled, defaultValue: e.defaultValue, rollout: e.rollout })),
      [
        { name: 'production', enabled: true, defaultValue: undefined, rollout: { percentage: 25 } },
        { name: 'staging', enabled: false, defaultValue: undefined, rollout: undefined },
      ],
    );
  });

  it('returns every flag of the files, tagged with the provider name', async () => {
    const { flags } = await flagdSource(twoEnvironments, dir).snapshot(liveSignal());
    assert.deepEqual(
      flags.map((f) => [f.provider, f.key]),
      [
        ['flags', 'PROJ-1-alpha'],
        ['flags', 'banner-color'],
      ],
    );
  });

  it('reports the environments it reads', () => {
    assert.deepEqual(flagdSource(twoEnvironments, dir).environments, ['production', 'staging']);
  });

  it('uses the file modification time as lastUpdated', async () => {
    const { flags } = await flagdSource(twoEnvironments, dir).snapshot(liveSignal());
    assert.deepEqual(
      flags[0]!.environments.map((e) => e.lastUpdated),
      [MTIME.toISOString(), MTIME.toISOString()],
    );
  });

  it('never links an environment to its local file (no file:// URL reaches Jira)', async () => {
    const { flags } = await flagdSource(twoEnvironments, dir).snapshot(liveSignal());
    assert.deepEqual(
      flags.flatMap((f) => f.environments.map((e) => e.url)).filter((u) => u !== undefined),
      [],
    );
  });

  it('accepts absolute paths and file:// URLs as sources', async () => {
    const options = {
      environments: [
        { name: 'production', source: path.join(dir, 'production.flagd.json') },
        { name: 'staging', source: pathToFileURL(path.join(dir, 'staging.flagd.json')).href },
      ],
    };
    const { flags } = await flagdSource(options, os.tmpdir()).snapshot(liveSignal());
    assert.equal(flags[0]!.environments.length, 2);
  });

  it('uses urlTemplate for links when configured', async () => {
    const options = { ...twoEnvironments, urlTemplate: 'https://git.example/flags/blob/main/{environment}.flagd.json#{key}' };
    const { flags } = await flagdSource(options, dir).snapshot(liveSignal());
    assert.equal(flags[0]!.environments[0]!.url, 'https://git.example/flags/blob/main/production.flagd.json#PROJ-1-alpha');
  });

  it('applies onVariants to non-boolean flags', async () => {
    const { flags } = await flagdSource({ ...twoEnvironments, onVariants: ['blue'] }, dir).snapshot(liveSignal());
    const banner = flags.find((f) => f.key === 'banner-color')!;
    assert.deepEqual(
      banner.environments.map((e) => e.rollout),
      [{ percentage: 20 }, { percentage: 100 }],
    );
  });

  it('reads one provider-level source (YAML) for every environment listed', async () => {
    const options = { source: './shared.flagd.yaml', environments: [{ name: 'production' }, { name: 'staging' }] };
    const { flags } = await flagdSource(options, dir).snapshot(liveSignal());
    assert.deepEqual(
      flags.map((f) => [f.key, f.issueKeys, f.environments.map((e) => e.name)]),
      [['ops-kill-switch', ['OPS-3'], ['production', 'staging']]],
    );
  });

  it("lets an environment's own source override the provider-level one", async () => {
    const options = {
      source: './shared.flagd.yaml',
      environments: [{ name: 'production', source: './production.flagd.json' }, { name: 'staging' }],
    };
    const { flags } = await flagdSource(options, dir).snapshot(liveSignal());
    assert.deepEqual(
      flags.map((f) => [f.key, f.environments.map((e) => e.name)]),
      [
        ['PROJ-1-alpha', ['production']],
        ['banner-color', ['production']],
        ['ops-kill-switch', ['staging']],
      ],
    );
  });

  it('rejects an invalid file with a SourceError naming provider, environment, file and problem', async () => {
    const options = {
      environments: [
        { name: 'production', source: './production.flagd.json' },
        { name: 'staging', source: './invalid-state.flagd.json' },
      ],
    };
    const err = await rejectionOf(flagdSource(options, dir).snapshot(liveSignal()));
    assert.ok(err instanceof SourceError);
    assert.equal(err.provider, 'flags');
    assert.match(
      err.message,
      /^flags: environment "staging": .*invalid-state\.flagd\.json is not a valid flagd file: flags\.broken\.state: must be one of "ENABLED", "DISABLED"$/,
    );
  });

  it('lists a flag whose fractional bucket names no variant as skipped, naming environment, file and problem', async () => {
    const { skipped } = await flagdSource({ environments: [{ name: 'production', source: './unknown-bucket.flagd.json' }] }, dir).snapshot(
      liveSignal(),
    );
    assert.equal(skipped?.length, 1);
    assert.equal(skipped[0]!.key, 'typo');
    assert.match(skipped[0]!.reason, /^environment "production": .*unknown-bucket\.flagd\.json: flags\.typo\.targeting: .*"onn"/);
  });

  it("still returns the file's other flags when one is skipped", async () => {
    const { flags } = await flagdSource({ environments: [{ name: 'production', source: './unknown-bucket.flagd.json' }] }, dir).snapshot(
      liveSignal(),
    );
    assert.deepEqual(
      flags.map((f) => [f.key, f.environments.map((e) => e.rollout)]),
      [['fine', [{ percentage: 100 }]]],
    );
  });

  it('skips a flag bad in one environment as a whole, listed once', async () => {
    // Staging defines "typo" correctly; production's broken definition still keeps it out of the flags.
    await writeFile(
      path.join(dir, 'typo-fixed.flagd.json'),
      JSON.stringify({ flags: { typo: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' } } }),
    );
    const options = {
      environments: [
        { name: 'production', source: './unknown-bucket.flagd.json' },
        { name: 'staging', source: './typo-fixed.flagd.json' },
      ],
    };
    const { flags, skipped } = await flagdSource(options, dir).snapshot(liveSignal());
    assert.deepEqual(
      skipped?.map((s) => s.key),
      ['typo'],
    );
    assert.ok(!flags.some((f) => f.key === 'typo'));
  });

  it('rejects a missing file with a SourceError naming the path and the reason', async () => {
    const options = {
      environments: [
        { name: 'production', source: './production.flagd.json' },
        { name: 'staging', source: './nope.flagd.json' },
      ],
    };
    const err = await rejectionOf(flagdSource(options, dir).snapshot(liveSignal()));
    assert.ok(err instanceof SourceError);
    assert.equal(
      err.message,
      `flags: environment "staging": cannot read ${path.join(dir, 'nope.flagd.json')} (ENOENT: no such file or directory)`,
    );
  });

  it('names every environment a shared file stands for when it fails', async () => {
    const options = { source: './gone.yaml', environments: [{ name: 'production' }, { name: 'staging' }] };
    const err = await rejectionOf(flagdSource(options, dir).snapshot(liveSignal()));
    assert.match(err.message, /^flags: environments "production", "staging": cannot read /);
  });

  it('answers unchanged while the files hold the bytes of the fingerprint, whatever their mtime', async () => {
    const { sourceFingerprint } = await flagdSource(twoEnvironments, dir).snapshot(liveSignal());
    const later = new Date(MTIME.getTime() + 60_000);
    await utimes(path.join(dir, 'staging.flagd.json'), later, later);
    const answer = await flagdSource(twoEnvironments, dir).snapshotUnlessUnchanged!(liveSignal(), sourceFingerprint!);
    assert.deepEqual(answer, { unchanged: true, sourceFingerprint });
  });

  it('reads and maps changed files, with the fingerprint a plain snapshot of them gives', async () => {
    const { sourceFingerprint: before } = await flagdSource(twoEnvironments, dir).snapshot(liveSignal());
    const staging = path.join(dir, 'staging.flagd.json');
    await writeFile(staging, (await readFile(staging, 'utf8')).replace('"DISABLED"', '"ENABLED"'));
    const answer = await flagdSource(twoEnvironments, dir).snapshotUnlessUnchanged!(liveSignal(), before!);
    assert.ok(!('unchanged' in answer));
    assert.deepEqual(
      answer.flags.find((f) => f.key === 'PROJ-1-alpha')!.environments.map((e) => e.enabled),
      [true, true],
    );
    const plain = await flagdSource(twoEnvironments, dir).snapshot(liveSignal());
    assert.notEqual(answer.sourceFingerprint, before);
    assert.equal(answer.sourceFingerprint, plain.sourceFingerprint);
    assert.deepEqual(answer.flags, plain.flags);
  });

  /** The local files opened whole (fs/promises) and as streams while `act` runs, by name, in order. */
  async function filesRead(act: () => Promise<unknown>): Promise<{ whole: string[]; streamed: string[] }> {
    const opens = sinon.spy(fsPromises, 'open');
    const streams = sinon.spy(fs, 'createReadStream');
    try {
      await act();
      const names = (spy: sinon.SinonSpy) => spy.getCalls().map((call) => path.basename(String(call.args[0])));
      return { whole: names(opens), streamed: names(streams) };
    } finally {
      sinon.restore();
    }
  }

  const editFile = async (name: string, from: string, to: string) => {
    const file = path.join(dir, name);
    await writeFile(file, (await readFile(file, 'utf8')).replace(from, to));
  };

  it('reads each file once when the first changed: the check keeps its bytes, later files are read to be parsed', async () => {
    const { sourceFingerprint: before } = await flagdSource(twoEnvironments, dir).snapshot(liveSignal());
    await editFile('production.flagd.json', '"ENABLED"', '"DISABLED"');
    let answer: Awaited<ReturnType<NonNullable<FlagSource['snapshotUnlessUnchanged']>>> | undefined;
    const read = await filesRead(async () => {
      answer = await flagdSource(twoEnvironments, dir).snapshotUnlessUnchanged!(liveSignal(), before!);
    });
    assert.deepEqual(read, { whole: ['production.flagd.json', 'staging.flagd.json'], streamed: [] });
    assert.ok(answer !== undefined && !('unchanged' in answer));
    const plain = await flagdSource(twoEnvironments, dir).snapshot(liveSignal());
    assert.equal(answer.sourceFingerprint, plain.sourceFingerprint);
    assert.deepEqual(answer.flags, plain.flags);
  });

  it('isUnchanged hashes the files as they stream, keeping none, and stops at the first that changed', async () => {
    const { sourceFingerprint: before } = await flagdSource(twoEnvironments, dir).snapshot(liveSignal());
    const source = flagdSource(twoEnvironments, dir);
    assert.deepEqual(await filesRead(async () => assert.equal(await source.isUnchanged!(liveSignal(), before!), true)), {
      whole: [],
      streamed: ['production.flagd.json', 'staging.flagd.json'],
    });
    await editFile('production.flagd.json', '"ENABLED"', '"DISABLED"');
    assert.deepEqual(await filesRead(async () => assert.equal(await source.isUnchanged!(liveSignal(), before!), false)), {
      whole: [],
      streamed: ['production.flagd.json'],
    });
  });

  it('a changed file checked after a larger unchanged one is not kept in the larger buffer', async () => {
    const large = path.join(dir, 'large.flagd.json');
    await writeFile(large, JSON.stringify({ flags: {}, padding: 'x'.repeat(4 << 20) }));
    const small = path.join(dir, 'small.flagd.json');
    await writeFile(small, '{"flags":{}}');
    const location = (file: string) => ({ kind: 'file' as const, path: file, url: pathToFileURL(file).href, label: file });
    const spare: SpareBuffer = {};
    const first = await checkSource(location(large), liveSignal(), { digest: await digestOf(await readFile(large)) }, {}, spare);
    assert.ok(!('body' in first) && spare.buffer !== undefined && spare.buffer.length > 4 << 20);
    const second = await checkSource(location(small), liveSignal(), { digest: 'another' }, {}, spare);
    assert.ok('body' in second && typeof second.body !== 'string');
    assert.equal(second.body.toString('utf8'), '{"flags":{}}');
    assert.ok(second.body.buffer.byteLength < 1 << 20, `kept ${second.body.buffer.byteLength} bytes`);
  });

  it('compares files against a fingerprint of the older form (no digest per file) by hashing each, and parses them when it differs', async () => {
    const { sourceFingerprint } = await flagdSource(twoEnvironments, dir).snapshot(liveSignal());
    const older = sourceFingerprint!.split('.')[0]!;
    const streams = sinon.spy(fs, 'createReadStream');
    const answer = await flagdSource(twoEnvironments, dir).snapshotUnlessUnchanged!(liveSignal(), older);
    assert.equal(streams.callCount, 2);
    assert.ok(!('unchanged' in answer));
    assert.equal(answer.sourceFingerprint, sourceFingerprint);
    assert.equal(answer.flags.length, 2);
  });

  it('rejects when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await rejectionOf(flagdSource(twoEnvironments, dir).snapshot(controller.signal));
    assert.ok(err instanceof SourceError);
    assert.match(err.message, /was aborted/);
  });
});
