import { strict as assert } from 'node:assert';
import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import type { StatusReport } from '../../src/store/status-report';
import { runCli, sendBuildArgs } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { postgresBackend } from '../../src/store/postgres/pg-backend';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../helpers/postgres';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

describe('flagsync status and state migrate', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;
  let db: TestDatabase;
  let fileConfig: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    db = await createTestDatabase();
    await writeEnvironments(dir, linkedFlags(10));
    fileConfig = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]);
  });
  afterEach(async () => {
    await sim.close();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('status and send --dry-run need no Jira credentials (they never talk to Jira); a run still does', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = (await readFile(fileConfig, 'utf8'))
      .replace(/clientId: .*/, 'clientId: ${env:NO_SUCH_JIRA_CLIENT_ID}')
      .replace(/clientSecret: .*/, 'clientSecret: ${env:NO_SUCH_JIRA_CLIENT_SECRET}');
    const config = path.join(dir, 'no-credentials.yaml');
    await writeFile(config, text);
    const status = await runCli(['status', '--config', config]);
    assert.equal(status.code, 0, status.stderr);
    const dry = await runCli([...sendBuildArgs(config), '--dry-run', '--no-ci']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /"pipelineId": "web"/);
    const run = await runCli(['run', '--once', '--config', config]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /jira\.clientId: environment variable NO_SUCH_JIRA_CLIENT_ID is not set/);
  });

  it("status needs no source's secrets either (it never reads a source); a run still does", async () => {
    const config = path.join(dir, 'unleash-token-unset.yaml');
    await writeFile(
      config,
      [
        'jira: { cloudId: 11111111-2222-3333-4444-555555555555, clientId: x, clientSecret: "${env:NO_SUCH_JIRA_SECRET}" }',
        `state: { path: ${JSON.stringify(path.join(dir, 'state.json'))} }`,
        'providers:',
        '  - { name: flags, adapter: unleash, url: "https://unleash.example/api", adminToken: "${env:NO_SUCH_UNLEASH_TOKEN}", environments: [{ name: production }] }',
      ].join('\n'),
    );
    const status = await runCli(['status', '--config', config]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /flags/);
    const run = await runCli(['run', '--once', '--config', config]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /providers\[0\]\.adminToken: environment variable NO_SUCH_UNLEASH_TOKEN is not set/);
  });

  it('status lists the last runs and per provider what Jira holds and the deletes the guard held back', async () => {
    // 15 of 20 gone: over both the guard's share and its minimum count, so the deletes are held back.
    await writeEnvironments(dir, linkedFlags(20));
    assert.equal((await runCli(['run', '--once', '--config', fileConfig])).code, 0);
    await writeEnvironments(dir, linkedFlags(5));
    assert.equal((await runCli(['run', '--once', '--config', fileConfig])).code, 1);

    const json = await runCli(['status', '--json', '--config', fileConfig]);
    assert.equal(json.code, 0, json.stderr);
    const status = JSON.parse(json.stdout) as StatusReport;
    assert.match(status.store, /^state file .*state\.json$/);
    assert.deepEqual(
      status.runs.map((r) => r.outcome),
      ['failed', 'ok'],
    );
    assert.match(status.runs[0]!.reason ?? '', /files: 15 deletes held back by the mass-delete guard/);
    assert.ok(status.runs.every((r) => r.endedAt !== undefined && r.startedAt <= r.endedAt));
    assert.equal(status.providers.length, 1);
    assert.deepEqual(
      { ...status.providers[0], lastRun: { ...status.providers[0]!.lastRun, endedAt: 'x' } },
      {
        provider: 'files',
        kind: 'featureflags',
        inJira: 20,
        pendingRetry: 0,
        lastRun: { endedAt: 'x', ok: false, rejected: 0, failed: 0, deletesHeldBack: 15 },
      },
    );

    const text = await runCli(['status', '--config', fileConfig]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /last runs \(newest first\)/);
    assert.match(text.stdout, /deletes held back/);
    assert.match(text.stdout, /│ files +│ featureflags │ 20 +│ 0 +│ 0 +│ 0 +│ 15 +│ failed/);
  });

  describe('status and plan against PostgreSQL only read: they never create or upgrade the schema', () => {
    const tables = async () =>
      (
        await queryDatabase<{ t: string }>(
          db.url,
          "SELECT table_name AS t FROM information_schema.tables WHERE table_name LIKE 'flagsync_%'",
        )
      ).length;
    const pgConfig = () => writeSyncConfig(dir, sim, [flagdProvider('files', dir)], { state: { store: 'postgres', url: db.url } });

    it('a database no run has used reads as holding nothing, and stays without tables', async () => {
      const config = await pgConfig();
      const status = await runCli(['status', '--json', '--config', config]);
      assert.equal(status.code, 0, status.stderr);
      assert.deepEqual((JSON.parse(status.stdout) as StatusReport).runs, []);
      const plan = await runCli(['plan', '--json', '--config', config]);
      assert.equal(plan.code, 0, plan.stderr);
      assert.match(plan.stdout, /"create"/);
      assert.equal(await tables(), 0);
    });

    it('an older schema (replicas of an older flagsync) is refused, naming what to do, and stays as it was; a run upgrades it', async () => {
      const config = await pgConfig();
      assert.equal((await runCli(['run', '--once', '--config', config])).code, 0);
      // As an older flagsync left it: its last step not applied yet.
      await queryDatabase(db.url, 'ALTER TABLE flagsync_repositories DROP COLUMN read_cursor');
      await queryDatabase(db.url, 'DELETE FROM flagsync_schema_migrations WHERE version = 7');
      for (const command of ['status', 'plan']) {
        const result = await runCli([command, '--config', config]);
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stderr, /flagsync schema is version 6, older than this flagsync's \(7\), and this command does not upgrade it/);
      }
      const versions = async () =>
        (await queryDatabase<{ v: number }>(db.url, 'SELECT max(version) AS v FROM flagsync_schema_migrations'))[0]!.v;
      assert.equal(await versions(), 6);
      assert.equal((await runCli(['run', '--once', '--config', config])).code, 0);
      assert.equal(await versions(), 7);
      assert.equal((await runCli(['status', '--config', config])).code, 0);
    });
  });

  it('state migrate copies the devinfo repositories whose first sync is done, so none is backfilled again', async () => {
    const from = path.join(dir, 'state.json');
    const state = {
      version: 1,
      entities: { devinfo: { 'web/commit/abc': { h: 'x', s: 1, p: 'code' } } },
      repositories: { web: { p: 'code' }, empty: { p: 'code' } },
    };
    await writeFile(from, JSON.stringify(state));
    const migrated = await runCli(['state', 'migrate', '--from', from, '--to', db.url]);
    assert.equal(migrated.code, 0, migrated.stderr);
    const rows = await queryDatabase<{ id: string; provider: string }>(
      db.url,
      'SELECT id, provider FROM flagsync_repositories ORDER BY id',
    );
    assert.deepEqual(rows, [
      { id: 'empty', provider: 'code' },
      { id: 'web', provider: 'code' },
    ]);
  });

  it('state migrate copies a state that holds only repository records (repositories that linked nothing yet)', async () => {
    const from = path.join(dir, 'state.json');
    await writeFile(from, JSON.stringify({ version: 1, entities: {}, repositories: { web: { p: 'code' } } }));
    const migrated = await runCli(['state', 'migrate', '--from', from, '--to', db.url]);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /^copied 1 records \(repositories 1\) and 0 runs from /);
    assert.deepEqual(await queryDatabase(db.url, 'SELECT id, provider FROM flagsync_repositories'), [{ id: 'web', provider: 'code' }]);
  });

  it('state migrate refuses a database that holds only repository records: mixing two states is refused whatever they hold', async () => {
    const backend = postgresBackend(db.url);
    try {
      await backend.state.save({ version: 1, entities: {} }, [{ type: 'repository', id: 'web', record: { p: 'code' } }]);
    } finally {
      await backend.close();
    }
    const from = path.join(dir, 'state.json');
    await writeFile(from, JSON.stringify({ version: 1, entities: { devinfo: { 'api/commit/abc': { h: 'x', s: 1, p: 'code' } } } }));
    const migrated = await runCli(['state', 'migrate', '--from', from, '--to', db.url]);
    assert.equal(migrated.code, 1);
    assert.match(migrated.stderr, /already holds 1 records; nothing copied/);
    assert.deepEqual(await queryDatabase(db.url, 'SELECT id FROM flagsync_records'), []);
  });

  it('state migrate copies a file state into PostgreSQL; the next run there sends nothing again', async () => {
    assert.equal((await runCli(['run', '--once', '--config', fileConfig])).code, 0);
    const migrated = await runCli(['state', 'migrate', '--from', path.join(dir, 'state.json'), '--to', db.url]);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(
      migrated.stdout,
      /^copied 10 records \(featureflags 10\) and 1 runs from .*state\.json to postgres 127\.0\.0\.1:5432\/flagsync_test_/,
    );

    const pgDir = path.join(dir, 'pg');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(pgDir);
    const pgConfig = await writeSyncConfig(pgDir, sim, [flagdProvider('files', dir)], {
      state: { store: 'postgres', url: '${env:TEST_DATABASE_URL}' },
    });
    sim.clearRequests();
    const run = await runCli(['run', '--once', '--json', '--config', pgConfig], { TEST_DATABASE_URL: db.url });
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { providers: Array<{ created: number; updated: number; unchanged: number }> };
    assert.deepEqual(
      summary.providers[0] && [summary.providers[0].created, summary.providers[0].updated, summary.providers[0].unchanged],
      [0, 0, 10],
    );
    assert.equal(sim.requests.filter((r) => r.path.endsWith('/bulk')).length, 0);

    const status = JSON.parse(
      (await runCli(['status', '--json', '--config', pgConfig], { TEST_DATABASE_URL: db.url })).stdout,
    ) as StatusReport;
    assert.equal(status.runs.length, 2, 'the migrated run and the new one');
    assert.equal(status.providers[0]?.inJira, 10);

    const again = await runCli(['state', 'migrate', '--from', path.join(dir, 'state.json')], { DATABASE_URL: db.url });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already holds 10 records; nothing copied/);
  });

  it('state migrate needs a PostgreSQL URL', async () => {
    const result = await runCli(['state', 'migrate', '--from', path.join(dir, 'state.json')], { DATABASE_URL: '' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /give --to <postgres URL> or set DATABASE_URL/);
  });
});
