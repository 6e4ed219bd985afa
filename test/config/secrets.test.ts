import { strict as assert } from 'node:assert';
import { resolveReferences } from '../../src/config/secrets';
import { valuePolicy } from '../../src/config/reveal';
import { VALID, baseEnv, problemsOf } from './helpers';

const ctx = { dir: '/nowhere', env: { A: 'alpha-value', B: 'beta-value' } };

describe('secret references', () => {
  it('records the path of every string that held a reference, in problem-line notation', async () => {
    const resolved = await resolveReferences(
      { jira: { clientSecret: '${env:A}' }, providers: [{ url: 'x' }, { token: 'x${env:B}' }] },
      ctx,
    );
    assert.deepEqual([...resolved.secretPaths], ['jira.clientSecret', 'providers[1].token']);
  });

  it('leaves strings without references, numbers and booleans untouched', async () => {
    const tree = { a: 'plain $ text {x}', b: 3, c: true, d: null, e: ['x'] };
    const resolved = await resolveReferences(tree, ctx);
    assert.deepEqual([resolved.value, resolved.secretPaths.size], [tree, 0]);
  });

  it('resolves several references in one string', async () => {
    const resolved = await resolveReferences({ url: '${env:A}/${env:B}' }, ctx);
    assert.deepEqual(resolved.value, { url: 'alpha-value/beta-value' });
  });

  it('reports each failed reference in one string', async () => {
    const resolved = await resolveReferences({ url: '${env:MISSING_1}/${env:MISSING_2}' }, ctx);
    assert.deepEqual(resolved.problems, [
      'url: environment variable MISSING_1 is not set',
      'url: environment variable MISSING_2 is not set',
    ]);
  });

  it('rejects an invalid environment variable name', async () => {
    const resolved = await resolveReferences({ x: '${env:1-bad}' }, ctx);
    assert.deepEqual(resolved.problems, ['x: "${env:1-bad}" is not a valid environment variable name']);
  });

  it('reports an unterminated reference at its path without echoing the text', async () => {
    const resolved = await resolveReferences({ jira: { clientSecret: '${env:JIRA_CLIENT_SECRET' } }, ctx);
    assert.deepEqual(resolved.problems, ['jira.clientSecret: "${" without a closing "}"']);
  });

  it('makes a config with an unterminated reference fail with that one problem, never quoting it', async () => {
    const text = VALID.replace('${env:JIRA_CLIENT_SECRET}', '${env:JIRA_CLIENT_SECRET');
    assert.deepEqual(await problemsOf(text, baseEnv, ['env:JIRA_CLIENT_SECRET']), ['jira.clientSecret: "${" without a closing "}"']);
  });

  it('reports an unclosed "${" after a good reference, and hides the path', async () => {
    const resolved = await resolveReferences({ url: '${env:A}/${pasted-s3cret' }, ctx);
    assert.deepEqual([resolved.problems, [...resolved.failedPaths]], [['url: "${" without a closing "}"'], ['url']]);
  });

  it('keeps an escaped "$${" as a literal "${" without a problem', async () => {
    const resolved = await resolveReferences({ x: 'cost $${total' }, ctx);
    assert.deepEqual([resolved.value, resolved.problems], [{ x: 'cost ${total' }, []]);
  });

  it('treats a set but empty variable as set', async () => {
    const resolved = await resolveReferences({ x: '${env:EMPTY}' }, { ...ctx, env: { EMPTY: '' } });
    assert.deepEqual([resolved.value, resolved.problems], [{ x: '' }, []]);
  });
});

describe('value policy of problem lines', () => {
  const policy = valuePolicy(new Set(['providers[0].url']), ['hunter2-secret']);

  it('shows a plain scalar under an ordinary key', () => {
    assert.equal(policy('providers[1].url', 'foo'), true);
  });

  it('hides values at or under a path that held a reference', () => {
    assert.deepEqual([policy('providers[0].url', 'foo'), policy('providers[0].url.x', 'foo')], [false, false]);
  });

  it('hides values under keys that look secret', () => {
    const keys = [
      'jira.clientSecret',
      'p.adminToken',
      'p.password',
      'p.environments[0].sdkKey',
      'p.apiKey',
      'p.headers.Authorization',
      'p.headers.X-Custom',
      'p.X-Api-Key',
      'p.token',
      'p.secrets[0]',
    ];
    assert.deepEqual(
      keys.filter((k) => policy(k, 'x')),
      [],
    );
  });

  it('hides values that contain a resolved secret', () => {
    assert.equal(policy('a.b', 'prefix-hunter2-secret'), false);
  });

  it('hides objects and arrays', () => {
    assert.deepEqual([policy('a', { b: 1 }), policy('a', [1])], [false, false]);
  });
});
