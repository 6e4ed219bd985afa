/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import type { FlagSnapshot, FlagSource } from '../contract';
import type { AnyAdapterFactory } from '../contract-v1';
import { decodeAdapterOptions } from '../../config/adapter-options';
import { createSource } from '../../adapter-host/instantiate';
import { assertAdapterFactory } from '../../adapter-host/factory-shape';
import { previewSnapshot } from '../../adapter-host/preview';
import { snapshotProblems } from '../snapshot-check';
import { silentLogger } from '../logger';
import type { EnvironmentType, NormalizedFlag } from '../flag';
import { DEFAULT_LINKING, isIssueKey, linkIssueKeys } from '../../model/issue-keys';
import { jiraFlagId } from '../../model/to-jira-flag';
import type { AdapterContractFixtures, ContractSource } from './fixtures';

/**
 * The adapter contract as mocha tests: call it inside a test file and every rule of the contract becomes one `it`.
 * A failing check says which rule and why, so an adapter author can fix one thing at a time.
 */
const DEFAULT_TIMEOUT_MS = 5000;

/** Rejects when `promise` has not settled within `ms` (a deadline, not a wait: it ends as soon as work settles). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The rejection, or an assertion failure naming what the adapter resolved with instead. */
async function rejectionOf(promise: Promise<FlagSnapshot>, ms: number, rule: string): Promise<unknown> {
  let result: FlagSnapshot;
  try {
    result = await within(promise, ms, 'snapshot()');
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('snapshot() did not settle')) throw error;
    return error;
  }
  return assert.fail(
    `${rule}: snapshot() resolved with ${Array.isArray(result?.flags) ? result.flags.length : 'no'} flag(s) instead of rejecting`,
  );
}

/** Every message in an error's cause chain: secrets must not hide in a nested cause either. */
function errorTexts(error: unknown, depth = 0): string[] {
  if (depth > 5 || error === undefined || error === null) return [];
  if (!(error instanceof Error)) return [String(error)];
  return [error.message, ...errorTexts((error as { cause?: unknown }).cause, depth + 1)];
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

interface Watching {
  count(): number;
  /** Resolves at the next announcement. */
  next(): Promise<void>;
  stop(): void;
}

/** A window in which something must NOT happen (an announcement without a change); not a timing goal. */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Running {
  source: ContractSource;
  adapter: FlagSource;
}

/** Runs the contract for a flag source's factory, of contract version 1 or 2. */
export function runAdapterContract<Options>(factory: AnyAdapterFactory<Options>, fixtures: AdapterContractFixtures): void {
  const providerName = fixtures.providerName ?? 'contract-test';
  const timeoutMs = fixtures.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const linking = fixtures.linking ?? DEFAULT_LINKING;
  let running: Running | undefined;

  function entryOf(source: ContractSource): Record<string, unknown> {
    // As the config loader hands it over: name and adapter set, environments defaulted to [].
    return { name: providerName, adapter: factory.name, ...source.entry, environments: source.entry['environments'] ?? [] };
  }

  function decodeOptions(source: ContractSource): unknown {
    // Exactly as the config loader decodes a provider entry (for contract v2, with the shared fields merged in).
    const decoded = decodeAdapterOptions(factory, entryOf(source), '(entry)');
    if (decoded.problems.length > 0) assert.fail(`the options codec rejects the fixture entry: ${decoded.problems.join('; ')}`);
    return decoded.options;
  }

  function configuredTypes(source: ContractSource): Map<string, EnvironmentType | undefined> {
    const types = new Map<string, EnvironmentType | undefined>();
    const environments = source.entry['environments'];
    if (Array.isArray(environments)) {
      for (const env of environments as { name?: unknown; type?: unknown }[]) {
        if (typeof env.name === 'string' && typeof env.type === 'string') types.set(env.name, env.type as EnvironmentType);
      }
    }
    return types;
  }

  async function start(): Promise<Running> {
    const source = await fixtures.start();
    running = { source, adapter: { environments: [], snapshot: () => Promise.reject(new Error('not created')) } };
    const created = createSource(factory, decodeOptions(source), {
      providerName,
      configDir: fixtures.configDir ?? process.cwd(),
      logger: silentLogger,
    });
    if (created.produces !== 'flags') {
      await created.source.close?.();
      assert.fail(`runAdapterContract checks flag sources; "${factory.name}" produces ${created.produces}`);
    }
    running.adapter = created.source;
    return running;
  }

  async function checkedSnapshot(adapter: FlagSource): Promise<FlagSnapshot> {
    const snapshot: unknown = await within(adapter.snapshot(new AbortController().signal), timeoutMs, 'snapshot()');
    const problems = snapshotProblems(snapshot, { provider: providerName, environments: adapter.environments, strict: true });
    if (problems.length > 0) assert.fail(`the snapshot breaks the contract: ${problems.join('; ')}`);
    return snapshot as FlagSnapshot;
  }

  async function snapshotOf(adapter: FlagSource): Promise<NormalizedFlag[]> {
    return [...(await checkedSnapshot(adapter)).flags];
  }

  const watchPollMs = fixtures.watchPollMs ?? 100;
  const watchQuietMs = fixtures.watchQuietMs ?? 1000;

  /** Starts the adapter's watch within the timeout, counting announcements; `stop` aborts it. */
  async function startWatch(adapter: FlagSource): Promise<Watching> {
    const controller = new AbortController();
    let count = 0;
    let waiting: Array<() => void> = [];
    await within(
      adapter.watch!(
        () => {
          count++;
          const now = waiting;
          waiting = [];
          now.forEach((resolve) => resolve());
        },
        controller.signal,
        watchPollMs,
      ),
      timeoutMs,
      'watch()',
    );
    return {
      count: () => count,
      next: () => new Promise<void>((resolve) => waiting.push(resolve)),
      stop: () => controller.abort(),
    };
  }

  describe(`adapter contract v${factory.contractVersion}: ${factory.name}`, function () {
    this.timeout(timeoutMs * 3 + watchQuietMs + 5000);

    afterEach(async () => {
      const current = running;
      running = undefined;
      if (current === undefined) return;
      try {
        await current.adapter?.close?.();
      } finally {
        await current.source.close();
      }
    });

    it(`exports an AdapterFactory for contract version ${factory.contractVersion}`, () => {
      assertAdapterFactory(factory, factory.name);
    });

    it('accepts the fixture config entry with its options codec', async () => {
      const source = await fixtures.start();
      running = { source, adapter: { environments: [], snapshot: () => Promise.reject(new Error('unused')) } };
      decodeOptions(source);
    });

    it('lists the configured environments', async () => {
      const { adapter, source } = await start();
      const configured = ((source.entry['environments'] as { name: string }[] | undefined) ?? []).map((e) => e.name);
      assert.deepEqual(sorted(adapter.environments), sorted(configured));
    });

    it('returns every flag the source holds, and only those', async () => {
      const { adapter } = await start();
      const flags = await snapshotOf(adapter);
      assert.deepEqual(sorted(flags.map((f) => f.key)), sorted(fixtures.flagKeys));
    });

    it('puts the provider name from config on every flag', async () => {
      const { adapter } = await start();
      const flags = await snapshotOf(adapter);
      assert.ok(flags.length > 0, 'the fixture source should hold flags');
      for (const flag of flags) assert.equal(flag.provider, providerName, `flag "${flag.key}"`);
    });

    it('keeps flag ids and content stable across two snapshots', async () => {
      const { adapter } = await start();
      const first = await snapshotOf(adapter);
      const second = await snapshotOf(adapter);
      const ids = (flags: NormalizedFlag[]) => sorted(flags.map((f) => jiraFlagId(f.provider, f.key)));
      assert.deepEqual(ids(second), ids(first));
      // Timestamps may move (a file's mtime, "now" when unknown); everything else must not.
      const shape = (flags: NormalizedFlag[]) =>
        [...flags]
          .sort((a, b) => (a.key < b.key ? -1 : 1))
          .map((f) => ({ ...f, lastUpdated: undefined, environments: f.environments.map((e) => ({ ...e, lastUpdated: undefined })) }));
      assert.deepEqual(shape(second), shape(first));
    });

    it('maps environments to the expected Jira environment types', async () => {
      const { adapter, source } = await start();
      const flags = await snapshotOf(adapter);
      const preview = previewSnapshot(
        flags.map((f) => ({ ...f, issueKeys: ['CONTRACT-1'] })), // linked, so every flag shows its environments
        { environmentTypes: configuredTypes(source), linking },
      );
      const seen = new Map<string, EnvironmentType | undefined>();
      for (const entity of preview.entities) for (const d of entity.flag.details) seen.set(d.environment.name, d.environment.type);
      assert.deepEqual(Object.fromEntries([...seen].sort()), Object.fromEntries(Object.entries(fixtures.environments).sort()));
    });

    it('gives the core valid issue keys, and the expected ones per flag', async () => {
      const { adapter } = await start();
      const flags = await snapshotOf(adapter);
      for (const flag of flags) {
        const bad = flag.issueKeys.filter((k) => !isIssueKey(k));
        assert.deepEqual(bad, [], `flag "${flag.key}": issueKeys must be Jira issue keys (PROJ-123)`);
      }
      for (const [key, expected] of Object.entries(fixtures.issueKeys)) {
        const flag = flags.find((f) => f.key === key);
        assert.ok(flag !== undefined, `flag "${key}" is missing from the snapshot`);
        assert.deepEqual(sorted(linkIssueKeys(flag, linking).keys), sorted(expected), `issue keys of flag "${key}"`);
      }
    });

    it("produces Jira feature flags that pass Jira's schemas", async () => {
      const { adapter, source } = await start();
      const flags = await snapshotOf(adapter);
      const preview = previewSnapshot(flags, { environmentTypes: configuredTypes(source), linking });
      assert.deepEqual(preview.skipped, [], 'flags the core would skip');
      const problems = preview.entities.flatMap((e) => e.problems.map((p) => `${e.id}: ${p}`));
      assert.deepEqual(problems, []);
    });

    it('rejects when the source is down, instead of resolving with no flags', async () => {
      const { adapter, source } = await start();
      await source.fail();
      const error = await rejectionOf(adapter.snapshot(new AbortController().signal), timeoutMs, 'source down');
      assert.ok(error instanceof Error, 'snapshot() should reject with an Error');
    });

    it('rejects when the source fails part-way, instead of resolving with a partial list', async function () {
      const { adapter, source } = await start();
      if (source.failPartly === undefined) this.skip();
      await source.failPartly!();
      const error = await rejectionOf(adapter.snapshot(new AbortController().signal), timeoutMs, 'source failing part-way');
      assert.ok(error instanceof Error, 'snapshot() should reject with an Error');
    });

    it('lists a flag with malformed data in skipped, and still returns every other flag', async function () {
      const { adapter, source } = await start();
      if (source.corruptOne === undefined) this.skip();
      const { key } = await source.corruptOne!();
      let snapshot: FlagSnapshot;
      try {
        snapshot = await checkedSnapshot(adapter);
      } catch (error) {
        if (error instanceof assert.AssertionError) throw error;
        return assert.fail(
          `snapshot() rejected over one malformed flag ("${key}") instead of listing it in skipped: ${errorTexts(error)[0]}`,
        );
      }
      const keys = new Set(snapshot.flags.map((f) => f.key));
      const listed = (snapshot.skipped ?? []).find((s) => s.key === key);
      assert.ok(
        listed !== undefined,
        `flag "${key}" with malformed data is not in skipped${keys.has(key) ? '' : ' (left out silently: the core would delete it in Jira)'}`,
      );
      assert.ok(listed.reason.trim() !== '', `skipped flag "${key}" needs a reason`);
      assert.ok(!keys.has(key), `flag "${key}" is in skipped and also in flags`);
      assert.deepEqual(
        sorted(fixtures.flagKeys.filter((k) => k !== key && !keys.has(k))),
        [],
        'fixture flags missing beside the malformed one',
      );
    });

    it('keeps secrets out of its errors', async function () {
      if ((fixtures.secrets ?? []).length === 0) this.skip();
      const { adapter, source } = await start();
      await source.fail();
      const error = await rejectionOf(adapter.snapshot(new AbortController().signal), timeoutMs, 'source down');
      const texts = errorTexts(error).join('\n');
      for (const secret of fixtures.secrets ?? [])
        assert.ok(!texts.includes(secret), 'an error message contains a secret from the fixtures');
    });

    it(`finishes a snapshot of the fixture source within ${timeoutMs} ms`, async () => {
      const { adapter } = await start();
      await within(adapter.snapshot(new AbortController().signal), timeoutMs, 'snapshot()');
    });

    it('settles promptly with a rejection when its AbortSignal aborts', async function () {
      const { adapter, source } = await start();
      if (source.hang === undefined) this.skip();
      await source.hang!();
      const controller = new AbortController();
      const pending = adapter.snapshot(controller.signal);
      // Let the adapter send its first request before aborting.
      await new Promise((resolve) => setImmediate(resolve));
      controller.abort(new Error('contract test abort'));
      const error = await rejectionOf(pending, timeoutMs, 'aborted snapshot');
      assert.ok(error instanceof Error, 'snapshot() should reject with an Error');
    });

    it('watch: announces a change to the source', async function () {
      const { adapter, source } = await start();
      if (adapter.watch === undefined || source.change === undefined) this.skip();
      const watching = await startWatch(adapter);
      try {
        const announced = watching.next();
        await source.change!();
        await within(announced, timeoutMs, 'an announcement of the change');
      } finally {
        watching.stop();
      }
    });

    it('watch: announces nothing while the source stays the same, a snapshot read included', async function () {
      const { adapter } = await start();
      if (adapter.watch === undefined) this.skip();
      const watching = await startWatch(adapter);
      try {
        await snapshotOf(adapter);
        await pause(watchQuietMs);
        assert.equal(watching.count(), 0, `watch announced ${watching.count()} change(s) of a source that did not change`);
      } finally {
        watching.stop();
      }
    });

    it('watch: announces nothing once its signal aborted', async function () {
      const { adapter, source } = await start();
      if (adapter.watch === undefined || source.change === undefined) this.skip();
      const watching = await startWatch(adapter);
      watching.stop();
      await source.change!();
      await pause(watchQuietMs);
      assert.equal(watching.count(), 0, 'watch announced a change after its signal aborted');
    });

    it('closes cleanly when it has close()', async function () {
      const { adapter } = await start();
      if (adapter.close === undefined) this.skip();
      await snapshotOf(adapter);
      await within(adapter.close!(), timeoutMs, 'close()');
      running!.adapter = { environments: [], snapshot: () => Promise.reject(new Error('closed')) };
    });
  });
}
