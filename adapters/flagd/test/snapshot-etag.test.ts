import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FlagSnapshot, UnchangedSource } from '../../../src/kit/contract';
import { FIXTURES, flagdSource, liveSignal, serveRoutes, type FileServer, type Route } from './helpers';

const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const isUnchanged = (answer: FlagSnapshot | UnchangedSource): answer is UnchangedSource => 'unchanged' in answer;

/**
 * An HTTP source whose ETag is still the one of the last fully accepted run is asked with If-None-Match and, on 304,
 * neither transferred nor parsed (the files' byte fingerprint, for HTTP); anything else is read as a full snapshot.
 */
describe('flagd over HTTP: conditional GET against the last accepted ETag', () => {
  let server: FileServer;
  let routes: Record<string, Route>;

  beforeEach(async () => {
    routes = {
      '/production.json': { body: fixture('production.flagd.json'), etag: '"prod-v1"' },
      '/staging.json': { body: fixture('staging.flagd.json'), etag: 'W/"staging-v1"' },
      '/plain.json': { body: fixture('production.flagd.json') },
    };
    server = await serveRoutes(routes);
  });
  afterEach(() => server.close());

  const twoEnvironments = () => ({
    environments: [
      { name: 'production', source: `${server.url}/production.json?token=qu3ry-secret` },
      { name: 'staging', source: `${server.url}/staging.json` },
    ],
  });
  const ask = (options: Record<string, unknown>, accepted: string) => flagdSource(options).snapshotUnlessUnchanged!(liveSignal(), accepted);

  it('sends the accepted ETags as If-None-Match and, on 304, answers unchanged with nothing transferred', async () => {
    const { sourceFingerprint } = await flagdSource(twoEnvironments()).snapshot(liveSignal());
    server.requests.length = 0;
    const answer = await ask(twoEnvironments(), sourceFingerprint!);
    assert.deepEqual(answer, { unchanged: true, sourceFingerprint });
    assert.deepEqual(
      server.requests.map((r) => [r.url.split('?')[0], r.headers['if-none-match'], r.status]),
      [
        ['/production.json', '"prod-v1"', 304],
        ['/staging.json', 'W/"staging-v1"', 304],
      ],
    );
  });

  it('a 304 is trusted without the body: a server keeping the ETag of other bytes is not parsed', async () => {
    const { sourceFingerprint } = await flagdSource(twoEnvironments()).snapshot(liveSignal());
    // Not a valid flagd file: parsing it would reject the snapshot.
    routes['/staging.json'] = { body: '{"flags": 1}', etag: 'W/"staging-v1"' };
    assert.equal(isUnchanged(await ask(twoEnvironments(), sourceFingerprint!)), true);
  });

  it('a source with a new ETag is read and mapped (once), and the one still at its ETag is read again in full', async () => {
    const { sourceFingerprint } = await flagdSource(twoEnvironments()).snapshot(liveSignal());
    const enabled = fixture('staging.flagd.json').replace('"DISABLED"', '"ENABLED"');
    routes['/staging.json'] = { body: enabled, etag: 'W/"staging-v2"' };
    server.requests.length = 0;
    const answer = await ask(twoEnvironments(), sourceFingerprint!);
    assert.ok(!isUnchanged(answer));
    const alpha = answer.flags.find((f) => f.key === 'PROJ-1-alpha')!;
    assert.deepEqual(
      alpha.environments.map((e) => [e.name, e.enabled]),
      [
        ['production', true],
        ['staging', true],
      ],
    );
    assert.notEqual(answer.sourceFingerprint, sourceFingerprint);
    assert.deepEqual(
      server.requests.map((r) => [r.url.split('?')[0], r.status]),
      [
        ['/production.json', 304],
        ['/staging.json', 200],
        ['/production.json', 200],
      ],
    );
  });

  it('the next run asks with the new ETag and finds it unchanged', async () => {
    const first = await flagdSource(twoEnvironments()).snapshot(liveSignal());
    routes['/staging.json'] = { body: fixture('staging.flagd.json').replace('"DISABLED"', '"ENABLED"'), etag: 'W/"staging-v2"' };
    const second = await ask(twoEnvironments(), first.sourceFingerprint!);
    assert.ok(!isUnchanged(second));
    assert.equal(isUnchanged(await ask(twoEnvironments(), second.sourceFingerprint!)), true);
  });

  it('keeps the source URL (and its query token) out of the fingerprint', async () => {
    const { sourceFingerprint } = await flagdSource(twoEnvironments()).snapshot(liveSignal());
    const carried = Buffer.from(sourceFingerprint!.split('.')[1]!, 'base64url').toString('utf8');
    assert.deepEqual(
      (JSON.parse(carried) as unknown[][]).map(([index, etag]) => [index, etag]),
      [
        [0, '"prod-v1"'],
        [1, 'W/"staging-v1"'],
      ],
    );
    assert.doesNotMatch(sourceFingerprint!, /qu3ry|127\.0\.0\.1/);
  });

  it('a server without ETags is compared by its bytes, with plain GETs', async () => {
    const options = { environments: [{ name: 'production', source: `${server.url}/plain.json` }] };
    const { sourceFingerprint } = await flagdSource(options).snapshot(liveSignal());
    const carried = JSON.parse(Buffer.from(sourceFingerprint!.split('.')[1]!, 'base64url').toString('utf8')) as unknown[][];
    assert.deepEqual(
      carried.map(([index, etag]) => [index, etag]),
      [[0, null]],
    );
    assert.equal(isUnchanged(await ask(options, sourceFingerprint!)), true);
    assert.deepEqual(
      server.requests.map((r) => [r.headers['if-none-match'], r.status]),
      [
        [undefined, 200],
        [undefined, 200],
      ],
    );
  });
});
