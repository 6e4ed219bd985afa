import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { validate as validateCron } from 'node-cron';
import { ConfigError, loadConfig, parseConfig } from '../../src/config';
import { DEFAULT_SCHEDULE } from '../../src/config/scalars';
import { redact } from '../../src/log';
import { SECRET, VALID, baseEnv, parse, testRegistry, withTempDir, writeFileIn } from './helpers';

const ISSUE_EXAMPLE = `jira:
  cloudId: 11111111-2222-3333-4444-555555555555   # or site: example.atlassian.net
  clientId: \${env:JIRA_CLIENT_ID}
  clientSecret: \${env:JIRA_CLIENT_SECRET}
  tokenUrl: http://127.0.0.1:8080/oauth/token     # default https://api.atlassian.com/oauth/token
  apiBaseUrl: http://127.0.0.1:8080               # default https://api.atlassian.com
state:
  path: ./.flagsync/state.json
providers:
  - name: demo
    adapter: flagd
    environments:
      - name: production
        type: production
        source: ./config/demo/production.flagd.json
      - name: staging
        type: staging
        source: ./config/demo/staging.flagd.json
`;

describe('config loading', () => {
  it('has a default schedule node-cron accepts (the config check takes it without loading node-cron)', () => {
    assert.equal(validateCron(DEFAULT_SCHEDULE), true);
  });

  it("parses the issue's example config", async () => {
    const config = await parse(ISSUE_EXAMPLE);
    assert.equal(config.jira.cloudId, '11111111-2222-3333-4444-555555555555');
    assert.equal(config.jira.tokenUrl, 'http://127.0.0.1:8080/oauth/token');
    assert.equal(config.jira.apiBaseUrl, 'http://127.0.0.1:8080');
    assert.deepEqual(
      config.providers.map((p) => [p.name, p.adapter, p.environments.map((e) => [e.name, e.type, e['source']])]),
      [
        [
          'demo',
          'flagd',
          [
            ['production', 'production', './config/demo/production.flagd.json'],
            ['staging', 'staging', './config/demo/staging.flagd.json'],
          ],
        ],
      ],
    );
  });

  it('resolves environment references', async () => {
    const config = await parse(VALID);
    assert.equal(config.jira.clientId, baseEnv.JIRA_CLIENT_ID);
    assert.equal(config.jira.clientSecret, SECRET);
  });

  it('registers every resolved secret for log redaction', async () => {
    const secret = `registered-${process.hrtime.bigint()}`;
    await parse(VALID, { ...baseEnv, JIRA_CLIENT_SECRET: secret });
    assert.equal(redact(`token ${secret} sent`), 'token [REDACTED] sent');
  });

  it('fills every default', async () => {
    const config = await parse(VALID);
    assert.deepEqual(
      {
        tokenUrl: config.jira.tokenUrl,
        apiBaseUrl: config.jira.apiBaseUrl,
        concurrency: config.jira.concurrency,
        maxAttempts: config.jira.maxAttempts,
        requestTimeoutSeconds: config.jira.requestTimeoutSeconds,
        maxConsecutiveFailures: config.jira.maxConsecutiveFailures,
        schedule: config.schedule,
        watch: config.watch,
        state: config.state.path,
        sync: config.sync,
        log: config.log,
        linking: config.providers[0]!.linking,
        timeoutSeconds: config.providers[0]!.timeoutSeconds,
      },
      {
        tokenUrl: 'https://api.atlassian.com/oauth/token',
        apiBaseUrl: 'https://api.atlassian.com',
        concurrency: 4,
        maxAttempts: 6,
        requestTimeoutSeconds: 30,
        maxConsecutiveFailures: 3,
        schedule: '*/5 * * * *',
        watch: false,
        state: '/srv/flagsync/.flagsync/state.json',
        sync: {
          massDeleteThreshold: 0.2,
          massDeleteMinimum: 10,
          providerTimeoutSeconds: 120,
          runTimeoutSeconds: 3600,
          watchDebounceMs: 1000,
          watchPollSeconds: 5,
        },
        log: { level: 'info' },
        linking: { tags: true, key: true, name: true, description: true },
        timeoutSeconds: undefined,
      },
    );
  });

  it('keeps values that override the defaults', async () => {
    const text = `${VALID.replace('jira:\n', 'jira:\n  concurrency: 2\n  properties: { source: flagsync }\n')}schedule: "0 * * * *"
watch: true
sync: { massDeleteThreshold: 0, providerTimeoutSeconds: 5, runTimeoutSeconds: 60, watchDebounceMs: 250, watchPollSeconds: 2 }
log: { level: debug }
`.replace('adapter: flagd', 'adapter: flagd\n    timeoutSeconds: 9\n    linking: { name: false, tagTypes: [jira] }');
    const config = await parse(text);
    assert.equal(config.jira.concurrency, 2);
    assert.deepEqual(config.jira.properties, { source: 'flagsync' });
    assert.equal(config.schedule, '0 * * * *');
    assert.equal(config.watch, true);
    assert.deepEqual(config.sync, {
      massDeleteThreshold: 0,
      massDeleteMinimum: 10,
      providerTimeoutSeconds: 5,
      runTimeoutSeconds: 60,
      watchDebounceMs: 250,
      watchPollSeconds: 2,
    });
    assert.equal(config.log.level, 'debug');
    assert.equal(config.providers[0]!.timeoutSeconds, 9);
    assert.deepEqual(config.providers[0]!.linking, { tags: true, key: true, name: false, description: true, tagTypes: ['jira'] });
  });

  it("resolves a relative state path against the config file's folder", async () => {
    const config = await parse(`${VALID}state:\n  path: ../data/state.json\n`, baseEnv, '/etc/flagsync/flagsync.yaml');
    assert.equal(config.state.path, '/etc/data/state.json');
  });

  it('puts the spool beside the state file unless spool.path says otherwise', async () => {
    const byDefault = await parse(`${VALID}state:\n  path: ../data/state.json\n`, baseEnv, '/etc/flagsync/flagsync.yaml');
    assert.equal(byDefault.spool.path, '/etc/data/spool');
    const configured = await parse(`${VALID}spool:\n  path: ./outbox\n`, baseEnv, '/etc/flagsync/flagsync.yaml');
    assert.equal(configured.spool.path, '/etc/flagsync/outbox');
  });

  it('keeps an absolute state path', async () => {
    const config = await parse(`${VALID}state:\n  path: /var/lib/flagsync/state.json\n`);
    assert.equal(config.state.path, '/var/lib/flagsync/state.json');
  });

  it('reports the absolute path and folder of the config file', async () => {
    const config = await parseConfig(VALID, { path: 'relative/flagsync.yaml', registry: testRegistry, env: baseEnv });
    assert.equal(config.path, path.resolve('relative/flagsync.yaml'));
    assert.equal(config.dir, path.resolve('relative'));
  });

  it("hands the adapter its factory and the entry decoded by the adapter's codec", async () => {
    const text = `${VALID}  - name: flags\n    adapter: unleash\n    url: https://u.example/api\n    adminToken: \${env:TOKEN}\n`;
    const config = await parse(text, { ...baseEnv, TOKEN: 'unleash-token-1234' });
    const unleash = config.providers[1]!;
    assert.equal(unleash.factory, testRegistry.get('unleash'));
    assert.deepEqual(unleash.options, {
      name: 'flags',
      adapter: 'unleash',
      url: 'https://u.example/api',
      adminToken: 'unleash-token-1234',
      environments: [],
    });
  });

  it('accepts a site instead of a cloud id', async () => {
    const config = await parse(VALID.replace('cloudId: 11111111-2222-3333-4444-555555555555', 'site: acme.atlassian.net'));
    assert.deepEqual([config.jira.site, config.jira.cloudId], ['acme.atlassian.net', undefined]);
  });

  it('reads secret files relative to the config folder and trims the trailing newline', async () => {
    await withTempDir(async (dir) => {
      await writeFileIn(dir, 'secrets/jira', 'from-a-file-secret\n');
      const file = await writeFileIn(dir, 'conf/flagsync.yaml', VALID.replace('${env:JIRA_CLIENT_SECRET}', '${file:../secrets/jira}'));
      const config = await loadConfig(file, testRegistry, baseEnv);
      assert.equal(config.jira.clientSecret, 'from-a-file-secret');
    });
  });

  it('reads secret files by absolute path and keeps inner newlines', async () => {
    await withTempDir(async (dir) => {
      const secretFile = await writeFileIn(dir, 'multi', 'line one\nline two\r\n\r\n');
      const config = await parse(VALID.replace('${env:JIRA_CLIENT_SECRET}', `\${file:${secretFile}}`));
      assert.equal(config.jira.clientSecret, 'line one\nline two');
    });
  });

  it('resolves a reference inside a longer string', async () => {
    const config = await parse(VALID.replace('jira:\n', 'jira:\n  apiBaseUrl: "https://${env:HOST}:8443"\n'), {
      ...baseEnv,
      HOST: 'jira-proxy',
    });
    assert.equal(config.jira.apiBaseUrl, 'https://jira-proxy:8443');
  });

  it('writes a literal ${ when it is escaped as $${', async () => {
    const config = await parse(VALID.replace('${env:JIRA_CLIENT_ID}', () => '"$${env:NOT_RESOLVED}"'));
    assert.equal(config.jira.clientId, '${env:NOT_RESOLVED}');
  });

  it('reports a config file that cannot be read', async () => {
    await withTempDir(async (dir) => {
      const missing = path.join(dir, 'flagsync.yaml');
      await assert.rejects(loadConfig(missing, testRegistry, baseEnv), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(
          [error.file, error.problems],
          [missing, [`cannot read the config file ${missing} (ENOENT): start from config/example.yaml, or try \`flagsync demo\``]],
        );
        return true;
      });
    });
  });
});
