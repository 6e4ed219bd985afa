import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createJiraClient, featureFlagsKind } from '../../src/jira';
import { flag } from './entities';
import { CLIENT_SECRET, fastDeps, startFakeJira, type FakeJira } from './fake-jira';

/** A debug-level logger that keeps every line in memory. */
function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, stream) };
}

describe('jira client logging', () => {
  let fake: FakeJira | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('logs requests and retries without the token or the client secret', async () => {
    let calls = 0;
    fake = await startFakeJira({
      token: () => ({ status: 200, body: { access_token: `secret-token-${calls}`, expires_in: 3600 } }),
      api: () => {
        calls++;
        if (calls === 1) return { status: 401 };
        if (calls === 2) return { status: 503 };
        return { status: 202, body: { acceptedFeatureFlags: ['a'] } };
      },
    });
    const { lines, logger } = memoryLogger();
    await createJiraClient(fake.settings(), { ...fastDeps().deps, logger }).submit(featureFlagsKind, [flag('a')]);
    const text = lines.join('');
    assert.match(text, /jira: retrying/);
    assert.doesNotMatch(text, /secret-token/);
    assert.ok(!text.includes(CLIENT_SECRET));
  });
});
