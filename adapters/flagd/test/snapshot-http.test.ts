import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as sinon from 'sinon';
import { SourceError } from '../../../src/kit/contract';
import { FIXTURES, flagdSource, liveSignal, rejectionOf, serveRoutes, type FileServer } from './helpers';

const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const LAST_MODIFIED = 'Wed, 04 Mar 2026 05:06:07 GMT';

describe('flagd snapshot over HTTP', () => {
  let server: FileServer;

  beforeEach(async () => {
    server = await serveRoutes({
      '/flags/production.flagd.json': { body: fixture('production.flagd.json'), headers: { 'last-modified': LAST_MODIFIED } },
      '/flags/staging.flagd.json': { body: fixture('staging.flagd.json') },
      '/flags/shared.yaml': { body: fixture('shared.flagd.yaml'), headers: { 'content-type': 'application/yaml' } },
      '/flags/invalid.json': { body: fixture('invalid-state.flagd.json') },
      '/flags/broken.json': { status: 500, body: 'internal error' },
      '/flags/private.json': { status: 401 },
      '/flags/slow.json': { hang: true },
      // As GitLab's and GitHub's file APIs serve any file: no extension, text/plain.
      '/api/v4/projects/7/repository/files/shared.yaml/raw': {
        body: fixture('shared.flagd.yaml'),
        headers: { 'content-type': 'text/plain' },
      },
      '/api/v4/projects/7/repository/files/production.json/raw': {
        body: fixture('production.flagd.json'),
        headers: { 'content-type': 'text/plain' },
      },
      '/flags/latest': { body: fixture('shared.flagd.yaml'), headers: { 'content-type': 'application/x-yaml; charset=utf-8' } },
    });
  });
  afterEach(async () => {
    sinon.restore();
    await server.close();
  });

  const twoEnvironments = () => ({
    environments: [
      { name: 'production', source: `${server.url}/flags/production.flagd.json` },
      { name: 'staging', source: `${server.url}/flags/staging.flagd.json` },
    ],
  });

  it('reads one file per environment over HTTP', async () => {
    const { flags } = await flagdSource(twoEnvironments()).snapshot(liveSignal());
    const alpha = flags.find((f) => f.key === 'PROJ-1-alpha')!;
    assert.deepEqual(
      alpha.environments.map((e) => [e.name, e.enabled, e.rollout]),
      [
        ['production', true, { percentage: 25 }],
        ['staging', false, undefined],
      ],
    );
  });

  it("reads a source without an extension by the media type it is served with, else by its text (a file API's /raw)", async () => {
    for (const source of [
      `${server.url}/flags/latest`,
      `${server.url}/api/v4/projects/7/repository/files/shared.yaml/raw`,
      `${server.url}/api/v4/projects/7/repository/files/production.json/raw`,
    ]) {
      const { flags } = await flagdSource({ environments: [{ name: 'production', source }] }).snapshot(liveSignal());
      assert.ok(flags.length > 0, source);
    }
  });

  it('links each environment to its http URL', async () => {
    const { flags } = await flagdSource(twoEnvironments()).snapshot(liveSignal());
    assert.deepEqual(
      flags[0]!.environments.map((e) => e.url),
      [`${server.url}/flags/production.flagd.json`, `${server.url}/flags/staging.flagd.json`],
    );
  });

  it('links an http source without the user, password and query it was read with', async () => {
    const withSecrets = server.url.replace('http://', 'http://reader:s3cret@');
    const options = { environments: [{ name: 'production', source: `${withSecrets}/flags/production.flagd.json?token=abc` }] };
    const { flags } = await flagdSource(options).snapshot(liveSignal());
    assert.equal(flags[0]!.environments[0]!.url, `${server.url}/flags/production.flagd.json`);
  });

  it('uses Last-Modified as lastUpdated, and the snapshot time when the header is absent', async () => {
    const now = new Date('2026-05-06T07:08:09.000Z');
    sinon.useFakeTimers({ now, toFake: ['Date'] });
    const { flags } = await flagdSource(twoEnvironments()).snapshot(liveSignal());
    assert.deepEqual(
      flags[0]!.environments.map((e) => e.lastUpdated),
      [new Date(LAST_MODIFIED).toISOString(), now.toISOString()],
    );
  });

  it('reads a shared source once for all its environments', async () => {
    const options = {
      source: `${server.url}/flags/shared.yaml`,
      environments: [{ name: 'production' }, { name: 'staging' }, { name: 'testing' }],
    };
    const { flags } = await flagdSource(options).snapshot(liveSignal());
    assert.equal(flags[0]!.environments.length, 3);
    assert.equal(server.requests.length, 1);
  });

  it('sends configured headers', async () => {
    const options = { ...twoEnvironments(), headers: { Authorization: 'Bearer s3cret-token' } };
    await flagdSource(options).snapshot(liveSignal());
    assert.deepEqual(
      server.requests.map((r) => r.headers.authorization),
      ['Bearer s3cret-token', 'Bearer s3cret-token'],
    );
  });

  it('rejects on HTTP 500 with a SourceError naming environment, URL and status', async () => {
    const options = {
      environments: [
        { name: 'production', source: `${server.url}/flags/production.flagd.json` },
        { name: 'staging', source: `${server.url}/flags/broken.json` },
      ],
    };
    const err = await rejectionOf(flagdSource(options).snapshot(liveSignal()));
    assert.ok(err instanceof SourceError);
    assert.equal(err.message, `flags: environment "staging": GET ${server.url}/flags/broken.json answered HTTP 500`);
  });

  it('keeps header values, URL credentials and query strings out of errors', async () => {
    const source = `${server.url.replace('http://', 'http://user:pa55word@')}/flags/private.json?token=qu3ry-secret`;
    const options = { environments: [{ name: 'production', source }], headers: { Authorization: 'Bearer s3cret-token' } };
    const err = await rejectionOf(flagdSource(options).snapshot(liveSignal()));
    assert.equal(err.message, `flags: environment "production": GET ${server.url}/flags/private.json?… answered HTTP 401`);
  });

  it('rejects an invalid file served over HTTP, naming the URL and the problem', async () => {
    const err = await rejectionOf(
      flagdSource({ environments: [{ name: 'production', source: `${server.url}/flags/invalid.json` }] }).snapshot(liveSignal()),
    );
    assert.ok(err instanceof SourceError);
    assert.match(
      err.message,
      new RegExp(`${server.url}/flags/invalid\\.json is not a valid flagd file: flags\\.broken\\.state: must be one of`),
    );
  });

  it('rejects when nothing listens', async () => {
    const url = server.url;
    await server.close();
    const err = await rejectionOf(
      flagdSource({ environments: [{ name: 'production', source: `${url}/flags/production.flagd.json` }] }).snapshot(liveSignal()),
    );
    assert.ok(err instanceof SourceError);
    assert.match(err.message, /GET .* failed \(ECONNREFUSED\)$/);
  });

  it('aborts an in-flight request when the signal fires', async () => {
    const controller = new AbortController();
    const arrived = once(server.server, 'request');
    const pending = flagdSource({ environments: [{ name: 'production', source: `${server.url}/flags/slow.json` }] }).snapshot(
      controller.signal,
    );
    await arrived;
    controller.abort();
    const err = await rejectionOf(pending);
    assert.ok(err instanceof SourceError);
    assert.match(err.message, /GET .*\/flags\/slow\.json was aborted$/);
  });

  describe('redirects', () => {
    let other: FileServer;
    afterEach(async () => other.close());

    const redirectTo = async (target: string) => {
      const from = await serveRoutes({ '/flags/moved.json': { status: 302, headers: { location: target } } });
      return from;
    };

    it('sends no configured header to another origin after a redirect', async () => {
      other = await serveRoutes({ '/flags/production.flagd.json': { body: fixture('production.flagd.json') } });
      const from = await redirectTo(`${other.url}/flags/production.flagd.json`);
      try {
        const source = flagdSource({
          environments: [{ name: 'production', source: `${from.url}/flags/moved.json` }],
          headers: { 'X-Api-Key': 'key-for-the-flag-host', Authorization: 'Bearer host-token' },
        });
        const { flags } = await source.snapshot(liveSignal());
        assert.ok(flags.length > 0);
        assert.equal(from.requests[0]!.headers['x-api-key'], 'key-for-the-flag-host');
        assert.equal(other.requests.length, 1);
        assert.equal(other.requests[0]!.headers['x-api-key'], undefined);
        assert.equal(other.requests[0]!.headers.authorization, undefined);
      } finally {
        await from.close();
      }
    });

    it('keeps configured headers on a redirect within the same origin', async () => {
      other = await serveRoutes({
        '/flags/moved.json': { status: 302, headers: { location: '/flags/production.flagd.json' } },
        '/flags/production.flagd.json': { body: fixture('production.flagd.json') },
      });
      const source = flagdSource({
        environments: [{ name: 'production', source: `${other.url}/flags/moved.json` }],
        headers: { 'X-Api-Key': 'key-for-the-flag-host' },
      });
      await source.snapshot(liveSignal());
      assert.deepEqual(
        other.requests.map((r) => [r.url, r.headers['x-api-key']]),
        [
          ['/flags/moved.json', 'key-for-the-flag-host'],
          ['/flags/production.flagd.json', 'key-for-the-flag-host'],
        ],
      );
    });
  });
});
