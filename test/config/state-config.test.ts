import { strict as assert } from 'node:assert';
import { redact } from '../../src/log/redact';
import { describeDatabase } from '../../src/store/postgres/connect';
import { VALID, baseEnv, parse, problemsOf } from './helpers';

const DB_PASSWORD = 'db-pa55word-0xf00d';

describe('config: state store, readiness and the environment', () => {
  it('defaults to the file store beside the config file', async () => {
    const config = await parse(VALID);
    assert.deepEqual(config.state, { store: 'file', path: '/srv/flagsync/.flagsync/state.json' });
    assert.equal(config.metrics.readyPeriods, 3);
  });

  it('takes the default state path from FLAGSYNC_STATE_PATH (the image points it at its writable volume)', async () => {
    const config = await parse(VALID, { ...baseEnv, FLAGSYNC_STATE_PATH: '/var/lib/flagsync/state.json' });
    assert.equal(config.state.path, '/var/lib/flagsync/state.json');
    assert.equal(config.spool.path, '/var/lib/flagsync/spool');
    const written = await parse(`${VALID}state:\n  path: ./here.json\n`, {
      ...baseEnv,
      FLAGSYNC_STATE_PATH: '/var/lib/flagsync/state.json',
    });
    assert.equal(written.state.path, '/srv/flagsync/here.json', 'a path in the file wins');
  });

  it('reads store: postgres with its URL from a reference', async () => {
    const url = `postgres://flagsync:${DB_PASSWORD}@db.example.com:5432/flagsync?sslmode=require`;
    const config = await parse(`${VALID}state:\n  store: postgres\n  url: \${env:DATABASE_URL}\nmetrics:\n  readyPeriods: 5\n`, {
      ...baseEnv,
      DATABASE_URL: url,
    });
    assert.equal(config.state.store, 'postgres');
    assert.equal(config.state.store === 'postgres' ? config.state.url : undefined, url);
    assert.equal(config.metrics.readyPeriods, 5);
  });

  it('a secret written in the file itself (warned about) is still redacted from everything flagsync prints', async () => {
    const config = await parse(VALID.replace('${env:JIRA_CLIENT_SECRET}', 'literal-client-s3cret'));
    assert.match((config.warnings ?? []).join('\n'), /jira\.clientSecret: a secret written in the config file itself/);
    assert.equal(redact('invalid_client: literal-client-s3cret'), 'invalid_client: [REDACTED]');
  });

  it('a password written into the URL, in its user part or its query, is redacted from everything flagsync prints', async () => {
    for (const [url, password] of [
      ['postgres://flagsync:pa%40ss-in-user-0x1@db.example.com/flagsync', 'pa@ss-in-user-0x1'],
      ['postgres://flagsync@db.example.com/flagsync?sslmode=require&password=pass-in-query-0x2', 'pass-in-query-0x2'],
    ]) {
      await parse(`${VALID}state:\n  store: postgres\n  url: ${url}\n`);
      assert.equal(redact(`cannot connect as ${password}`), 'cannot connect as [REDACTED]');
    }
  });

  it('reads a URL to a Unix socket (no host, the folder in ?host=), as node-postgres and a Cloud SQL proxy use it', async () => {
    for (const url of [
      `postgresql://flagsync:${DB_PASSWORD}@/flagsync?host=/cloudsql/acme:eu:db&port=5432`,
      'postgresql:///flagsync?host=/var/run/postgresql',
    ]) {
      const config = await parse(`${VALID}state:\n  store: postgres\n  url: \${env:DATABASE_URL}\n`, { ...baseEnv, DATABASE_URL: url });
      assert.equal(config.state.store === 'postgres' ? config.state.url : undefined, url);
    }
    assert.equal(
      describeDatabase(`postgresql://flagsync:${DB_PASSWORD}@/flagsync?host=/cloudsql/acme:eu:db&port=5433`),
      'postgres /cloudsql/acme:eu:db:5433/flagsync',
    );
    // No host and no socket folder (or a relative one) is no place to connect to.
    for (const url of [`postgres://flagsync:${DB_PASSWORD}@/flagsync`, 'postgres://u:p@/db?host=relative'])
      assert.deepEqual(
        await problemsOf(`${VALID}state:\n  store: postgres\n  url: \${env:DATABASE_URL}\n`, { ...baseEnv, DATABASE_URL: url }),
        [
          'state.url: expected a PostgreSQL URL (postgres://user:password@host:5432/database, or postgres://user:password@/database?host=/socket/folder; in the user, password and database, % as %25, # as %23, @ as %40)',
        ],
      );
  });

  it('store: postgres without a url is one problem naming the url', async () => {
    assert.deepEqual(await problemsOf(`${VALID}state:\n  store: postgres\n`), [
      'state: expected url (a PostgreSQL URL) with store: postgres',
    ]);
  });

  it('a url that is no PostgreSQL URL, an unknown store and a bad readyPeriods are named, never their values', async () => {
    const problems = await problemsOf(
      `${VALID}state:\n  store: mysql\n  url: \${env:DATABASE_URL}\nmetrics:\n  readyPeriods: 0\n`,
      { ...baseEnv, DATABASE_URL: `mysql://root:${DB_PASSWORD}@db/x` },
      [DB_PASSWORD],
    );
    assert.deepEqual([...problems].sort(), [
      'metrics.readyPeriods: expected an integer from 1 to 10000, got 0',
      'state.store: expected one of file, postgres, got "mysql"',
      'state.url: expected a PostgreSQL URL (postgres://user:password@host:5432/database, or postgres://user:password@/database?host=/socket/folder; in the user, password and database, % as %25, # as %23, @ as %40)',
    ]);
  });

  it('metrics.host: an IP address or a host name; a URL, a port or brackets are named', async () => {
    for (const host of ['0.0.0.0', '::', '127.0.0.1', 'localhost', 'metrics.internal']) {
      assert.equal((await parse(`${VALID}metrics:\n  port: 9464\n  host: "${host}"\n`)).metrics.host, host);
    }
    for (const host of ['http://0.0.0.0', '0.0.0.0:9464', '[::1]', 'bad host']) {
      assert.deepEqual(await problemsOf(`${VALID}metrics:\n  port: 9464\n  host: "${host}"\n`), [
        `metrics.host: expected an IP address (0.0.0.0, ::, 127.0.0.1) or a host name (localhost), without port or brackets, got ${JSON.stringify(host)}`,
      ]);
    }
  });

  for (const [label, url] of [
    ['a raw % in the password', `postgres://flagsync:50%off-${DB_PASSWORD}@db/flagsync`],
    ['a raw # in the password', `postgres://app:pa#ss-${DB_PASSWORD}@db/x`],
    ['a bad port', `postgres://app:${DB_PASSWORD}@db:54x2/x`],
  ]) {
    it(`a url written in the file with ${label} is one problem at state.url, exit 2, the password never shown`, async () => {
      const problems = await problemsOf(`${VALID}state:\n  store: postgres\n  url: "${url}"\n`, baseEnv, [DB_PASSWORD]);
      assert.deepEqual(problems, [
        'state.url: expected a PostgreSQL URL (postgres://user:password@host:5432/database, or postgres://user:password@/database?host=/socket/folder; in the user, password and database, % as %25, # as %23, @ as %40)',
      ]);
    });
  }

  it('a provider URL with a password or a token in its query is not echoed in its problem', async () => {
    const problems = await problemsOf(
      VALID.replace(
        /adapter: flagd[\s\S]*$/,
        `adapter: unleash\n    url: "htps://admin:${DB_PASSWORD}@unleash.example/api?x=1"\n    token: t\n    environments: [production]\n`,
      ),
      baseEnv,
      [DB_PASSWORD],
    );
    assert.ok(problems.length > 0 && problems.every((p) => !p.includes(DB_PASSWORD)), problems.join('\n'));
  });
});
