import { strict as assert } from 'node:assert';
import { SECRET, VALID, baseEnv, parse, problemsOf, withTempDir, writeFileIn } from './helpers';
import { ConfigError, parseConfig } from '../../src/config';
import { testRegistry } from './helpers';

const UNLEASH = `
  - name: flags
    adapter: unleash
    url: https://unleash.example.com/api
    adminToken: \${env:UNLEASH_TOKEN}
`;
const envWithUnleash = { ...baseEnv, UNLEASH_TOKEN: 'unleash-admin-token-77' };

describe('config problems', () => {
  it('reports a YAML syntax error with its line and column', async () => {
    const problems = await problemsOf(VALID.replace('  clientSecret:', '  clientId: again\n  clientSecret:'));
    assert.deepEqual(problems, ['/srv/flagsync/flagsync.yaml:4:3: YAML syntax: Map keys must be unique']);
  });

  it('reports only the first YAML syntax problem: one tab does not give a cascade', async () => {
    const problems = await problemsOf(VALID.replace('  clientSecret:', '\tclientSecret:'));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^\/srv\/flagsync\/flagsync\.yaml:\d+:\d+: YAML syntax: /);
  });

  it('does not quote the source line of a YAML error (it may hold a plain-text secret)', async () => {
    const problems = await problemsOf(`jira:\n  clientSecret: "${SECRET}\n`);
    assert.deepEqual(problems, ['/srv/flagsync/flagsync.yaml:3:1: YAML syntax: Missing closing "quote']);
  });

  it('places each problem at its line and column (file:line:column, as editors read it), a missing key at its mapping', async () => {
    const text = `${VALID.replace('adapter: flagd', 'adapter: nope').replace('  clientId: ${env:JIRA_CLIENT_ID}\n', '')}sync: { massDeleteThreshold: -1 }\n`;
    const error = await parse(text).then(
      () => assert.fail('expected the config to be rejected'),
      (e: unknown) => e as ConfigError,
    );
    assert.ok(error instanceof ConfigError);
    const file = '/srv/flagsync/flagsync.yaml';
    assert.deepEqual(error.lines, [
      `${file}:1:1: jira.clientId: expected a non-empty string, but it is missing`,
      `${file}:6:5: providers[0].adapter: unknown adapter "nope"; expected one of flagd, unleash`,
      `${file}:11:9: sync.massDeleteThreshold: expected a number from 0 to 1, got -1`,
    ]);
  });

  it('places a path through a key that holds a dot, and one through a sequence item', async () => {
    const text = VALID.replace('jira:\n', 'jira:\n  properties: { "team.name": 7 }\n').replace(
      'source: ./production.flagd.json',
      'source: 3',
    );
    const error = await parse(text).then(
      () => assert.fail('expected the config to be rejected'),
      (e: unknown) => e as ConfigError,
    );
    assert.deepEqual(
      error.lines.map((line) => line.replace(/: .*/, '')),
      ['/srv/flagsync/flagsync.yaml:2:17', '/srv/flagsync/flagsync.yaml:12:9'],
    );
  });

  it('refuses a site without a domain (acme for acme.atlassian.net); a URL may name any host', async () => {
    const site = (value: string) => VALID.replace('  cloudId: 11111111-2222-3333-4444-555555555555\n', `  site: ${value}\n`);
    assert.deepEqual(await problemsOf(site('acme')), [
      `jira.site: expected your Jira site's host name (acme.atlassian.net) or URL, got "acme"`,
    ]);
    await parse(site('acme.atlassian.net'));
    await parse(site('http://localhost:8080'));
  });

  it('takes every log level the command line takes, fatal included', async () => {
    assert.equal((await parse(`${VALID}log: { level: fatal }\n`)).log.level, 'fatal');
  });

  it('places a problem reached through an alias at the alias, not at the anchor it shares with another path', async () => {
    const text = `${VALID.split('providers:')[0]}providers:
  - name: a
    adapter: flagd
    environments: &envs
      - name: production
        source: 3
  - name: b
    adapter: flagd
    environments: *envs
`;
    const error = await parse(text).then(
      () => assert.fail('expected the config to be rejected'),
      (e: unknown) => e as ConfigError,
    );
    assert.deepEqual(
      error.lines.map((line) => /^\S+:(\d+:\d+): (\S+):/.exec(line)?.slice(1).join(' ')),
      ['10:9 providers[0].environments[0].source', '13:19 providers[1].environments[0].source'],
    );
  });

  it('reports an empty file', async () => {
    assert.deepEqual(await problemsOf('# nothing yet\n'), ['(root): the file is empty; expected a mapping with jira and providers']);
  });

  it('reports an unknown top-level key and suggests the likely one', async () => {
    assert.deepEqual(await problemsOf(`${VALID}schedul: "* * * * *"\n`), ['schedul: unknown key (did you mean "schedule"?)']);
  });

  it('reports a misspelt jira key and the required key it left missing', async () => {
    const problems = await problemsOf(VALID.replace('clientSecret:', 'clientSecert:'));
    assert.deepEqual(problems, [
      'jira.clientSecret: expected a non-empty string, but it is missing',
      'jira.clientSecert: unknown key (did you mean "clientSecret"?)',
    ]);
  });

  it('reports unknown keys in state, sync and log', async () => {
    const problems = await problemsOf(`${VALID}state: { file: x }\nsync: { threshold: 1 }\nlog: { lvl: debug }\n`);
    assert.deepEqual(problems, ['state.file: unknown key', 'sync.threshold: unknown key', 'log.lvl: unknown key (did you mean "level"?)']);
  });

  it('reports an unknown adapter with the known ones', async () => {
    const problems = await problemsOf(VALID.replace('adapter: flagd', 'adapter: flagdd'));
    assert.deepEqual(problems, ['providers[0].adapter: unknown adapter "flagdd"; expected one of flagd, unleash']);
  });

  it('reports duplicate provider names at the second one', async () => {
    const problems = await problemsOf(`${VALID}${UNLEASH.replace('name: flags', 'name: demo')}`, envWithUnleash);
    assert.deepEqual(problems, ['providers[1].name: "demo" is already the name of providers[0]']);
  });

  it('reports an environment variable that is not set', async () => {
    const problems = await problemsOf(VALID, { JIRA_CLIENT_ID: 'client-id-1234' });
    assert.deepEqual(problems, ['jira.clientSecret: environment variable JIRA_CLIENT_SECRET is not set']);
  });

  it('reports a secret file that cannot be read, with its absolute path', async () => {
    const problems = await problemsOf(VALID.replace('${env:JIRA_CLIENT_SECRET}', '${file:secrets/missing}'));
    assert.deepEqual(problems, ['jira.clientSecret: cannot read secret file /srv/flagsync/secrets/missing (ENOENT)']);
  });

  it('reports an unsupported reference kind', async () => {
    const problems = await problemsOf(VALID.replace('${env:JIRA_CLIENT_SECRET}', '${vault:jira}'));
    assert.deepEqual(problems, ['jira.clientSecret: unsupported reference "${vault:jira}"; use ${env:NAME} or ${file:PATH}']);
  });

  it('reports a bad cron expression', async () => {
    const problems = await problemsOf(`${VALID}schedule: "61 * * * *"\n`);
    assert.deepEqual(problems, [
      'schedule: expected a cron expression, e.g. "*/5 * * * *" (day and month names of 3 letters, ranges that do not wrap, a day of month or a day of week but not both), got "61 * * * *"',
    ]);
  });

  it('reports a schedule the daemon could not work out its slots from (it stopped at its first tick), and takes the rest', async () => {
    // node-cron alone takes all of these: full day names, a range wrapping past midnight, day of month AND day of week
    // (node-cron needs both to match, the slot arithmetic either).
    for (const schedule of ['0 9 * * sunday', '0 9 * * monday-friday', '0 22-2 * * *', '0 9 1 * MON', '0 0 15W * *']) {
      const problems = await problemsOf(`${VALID}schedule: "${schedule}"\n`);
      assert.equal(problems.length, 1, schedule);
      assert.match(problems[0]!, /^schedule: expected a cron expression/, schedule);
    }
    for (const schedule of ['0 9 * * SUN', '0 9 * * MON-FRI', '0 22,23,0,1 * * *', '0 9 1 * *', '*/10 * * * * *', '0 9 * JAN *'])
      assert.equal((await parse(`${VALID}schedule: "${schedule}"\n`)).schedule, schedule);
  });

  it('reports a timeout longer than a timer holds (it would fire at once: every run timed out)', async () => {
    const problems = await problemsOf(`${VALID}sync:\n  runTimeoutSeconds: 3000000\n`);
    assert.deepEqual(problems, [
      'sync.runTimeoutSeconds: expected a number of seconds greater than 0 and at most 2147483 (24 days), got 3000000',
    ]);
    assert.equal((await parse(`${VALID}sync:\n  runTimeoutSeconds: 2147483\n`)).sync.runTimeoutSeconds, 2147483);
  });

  it('reports a state url without store: postgres (state would stay in a file, each replica its own)', async () => {
    const problems = await problemsOf(`${VALID}state:\n  url: postgres://u:p@db.example:5432/flagsync\n`);
    assert.deepEqual(problems, ['state: expected no url unless store: postgres (add store: postgres to keep state in PostgreSQL)']);
  });

  it("reports a bad URL in an adapter's options with the provider's path", async () => {
    const problems = await problemsOf(`${VALID}${UNLEASH.replace('https://unleash.example.com/api', 'foo')}`, envWithUnleash);
    assert.deepEqual(problems, ['providers[1].url: expected a URL, got "foo"']);
  });

  it('reports a bad core URL', async () => {
    const problems = await problemsOf(VALID.replace('jira:\n', 'jira:\n  tokenUrl: ftp://example.com/token\n'));
    assert.deepEqual(problems, ['jira.tokenUrl: expected a URL, got "ftp://example.com/token"']);
  });

  it('reports neither site nor cloudId', async () => {
    const problems = await problemsOf(VALID.replace('  cloudId: 11111111-2222-3333-4444-555555555555\n', ''));
    assert.deepEqual(problems, ['jira: expected site or cloudId (one of the two is required)']);
  });

  it('reports a cloud id that is not a UUID', async () => {
    const problems = await problemsOf(VALID.replace('11111111-2222-3333-4444-555555555555', 'acme'));
    assert.deepEqual(problems, ['jira.cloudId: expected a UUID, got "acme"']);
  });

  it('reports a bad environment type once, though core and adapter both reject it', async () => {
    const problems = await problemsOf(VALID.replace('type: production', 'type: prod'));
    assert.deepEqual(problems, [
      'providers[0].environments[0].type: expected one of production, staging, testing, development, got "prod"',
    ]);
  });

  it('reports a mass-delete threshold out of range', async () => {
    const problems = await problemsOf(`${VALID}sync:\n  massDeleteThreshold: 1.5\n`);
    assert.deepEqual(problems, ['sync.massDeleteThreshold: expected a number from 0 to 1, got 1.5']);
  });

  it('accepts a config without providers (enough for flagsync send; run and plan check for one)', async () => {
    assert.deepEqual((await parse(VALID.replace(/providers:[\s\S]*$/, 'providers: []\n'))).providers, []);
    assert.deepEqual((await parse(VALID.replace(/providers:[\s\S]*$/, ''))).providers, []);
  });

  it('reports providers that are not a list', async () => {
    const problems = await problemsOf(VALID.replace(/providers:[\s\S]*$/, 'providers: demo\n'));
    assert.deepEqual(problems, ['providers: expected a list of providers, got "demo"']);
  });

  it('reports concurrency out of range and a bad log level', async () => {
    const problems = await problemsOf(`${VALID.replace('jira:\n', 'jira:\n  concurrency: 17\n')}log:\n  level: verbose\n`);
    assert.deepEqual(problems, [
      'jira.concurrency: expected an integer from 1 to 16, got 17',
      'log.level: expected one of trace, debug, info, warn, error, fatal, silent, got "verbose"',
    ]);
  });

  it('reports bad Jira property keys, the reserved key and more than 4 properties', async () => {
    const properties = '  properties: { _hidden: a, "a:b": b, c: c, flagsyncProvider: d, e: e }\n';
    const problems = await problemsOf(VALID.replace('jira:\n', `jira:\n${properties}`));
    assert.deepEqual(problems, [
      'jira.properties: expected at most 4 properties (Jira takes 5; flagsync adds flagsyncProvider)',
      `jira.properties._hidden: expected a property key without ':' that does not start with '_', got "_hidden"`,
      `jira.properties.a:b: expected a property key without ':' that does not start with '_', got "a:b"`,
      'jira.properties.flagsyncProvider: expected another key (flagsync sets this one itself), got "flagsyncProvider"',
    ]);
  });

  it('reports a bad provider name and a misspelt linking key', async () => {
    const problems = await problemsOf(VALID.replace('name: demo', 'name: my demo\n    linking: { tag: false }'));
    assert.deepEqual(problems, [
      `providers[0].name: expected a name of 1 to 64 letters, digits, '_' or '-', got "my demo"`,
      'providers[0].linking.tag: unknown key (did you mean "tags"?)',
    ]);
  });

  it('reports every problem of the file at once, in the order the file has them', async () => {
    const text = `${VALID.replace('adapter: flagd', 'adapter: nope')}schedule: nope\nsync: { massDeleteThreshold: -1 }\n`;
    const problems = await problemsOf(text, { JIRA_CLIENT_ID: 'x' });
    assert.deepEqual(problems, [
      'jira.clientSecret: environment variable JIRA_CLIENT_SECRET is not set',
      'providers[0].adapter: unknown adapter "nope"; expected one of flagd, unleash',
      'schedule: expected a cron expression, e.g. "*/5 * * * *" (day and month names of 3 letters, ranges that do not wrap, a day of month or a day of week but not both), got "nope"',
      'sync.massDeleteThreshold: expected a number from 0 to 1, got -1',
    ]);
  });
});

describe('config problems never show secret values', () => {
  it('hides a value that came from an environment reference', async () => {
    const problems = await problemsOf(
      VALID.replace('11111111-2222-3333-4444-555555555555', '${env:CLOUD_ID}'),
      {
        ...baseEnv,
        CLOUD_ID: 'not-a-uuid-secret',
      },
      ['not-a-uuid-secret'],
    );
    assert.deepEqual(problems, ['jira.cloudId: expected a UUID']);
  });

  it('hides a value that came from a secret file', async () => {
    await withTempDir(async (dir) => {
      await writeFileIn(dir, 'url.txt', 'still-not-a-url\n');
      const text = `${VALID}${UNLEASH.replace('https://unleash.example.com/api', '${file:url.txt}')}`;
      await assert.rejects(
        parseConfig(text, { path: `${dir}/flagsync.yaml`, registry: testRegistry, env: envWithUnleash }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.deepEqual(error.problems, ['providers[1].url: expected a URL']);
          return true;
        },
      );
    });
  });

  it('hides a value embedded in a longer string', async () => {
    const problems = await problemsOf(
      VALID.replace('jira:\n', 'jira:\n  apiBaseUrl: "ftp://${env:HOST}"\n'),
      {
        ...baseEnv,
        HOST: 'internal-host-name',
      },
      ['internal-host-name'],
    );
    assert.deepEqual(problems, ['jira.apiBaseUrl: expected a URL']);
  });

  it('hides a plain value under a secret-looking key', async () => {
    const problems = await problemsOf(`${VALID}${UNLEASH.replace('${env:UNLEASH_TOKEN}', '12345678')}`, envWithUnleash, ['12345678']);
    assert.deepEqual(problems, ['providers[1].adminToken: expected string']);
  });

  it('hides the value of the section when site and cloudId are both missing', async () => {
    const problems = await problemsOf(VALID.replace('  cloudId: 11111111-2222-3333-4444-555555555555\n', ''));
    assert.ok(
      problems.every((line) => !line.includes('client-id-1234')),
      problems.join('\n'),
    );
  });
});
