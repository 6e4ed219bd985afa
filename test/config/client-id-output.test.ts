/**
 * The OAuth client id is an identifier the token errors must name; the secret never shows. Both `run` and `send`
 * print through the same redaction, so a client id given as `${env:JIRA_CLIENT_ID}` reads the same in both.
 */
import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import { literalSecretWarnings } from '../../src/config/literal-secrets';
import { resolveReferences } from '../../src/config/secrets';
import { redact } from '../../src/log';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli, sendBuildArgs } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

const REFUSED_SECRET = 'refused-s3cret-value-77';
/** Blank out CI markers so only the command line counts. */
const noCi = {
  GITHUB_ACTIONS: '',
  GITEA_ACTIONS: '',
  FORGEJO_ACTIONS: '',
  GITLAB_CI: '',
  JENKINS_URL: '',
  JENKINS_HOME: '',
  bamboo_buildKey: '',
};

describe('client id and secret in output', function () {
  this.timeout(60_000);

  it('does not register a referenced jira.clientId for redaction, but still the secret beside it', async () => {
    const id = `client-id-${process.hrtime.bigint()}`;
    const secret = `secret-${process.hrtime.bigint()}`;
    await resolveReferences(
      { jira: { clientId: '${env:ID}', clientSecret: '${env:SECRET}' } },
      { dir: '/nowhere', env: { ID: id, SECRET: secret } },
    );
    assert.deepEqual([redact(id), redact(secret)], [id, '[REDACTED]']);
  });

  it('does not register names taken from the environment (an environment, a project), which plans must show', async () => {
    const environment = `production-${process.hrtime.bigint()}`;
    const project = `shop-${process.hrtime.bigint()}`;
    const token = `token-${process.hrtime.bigint()}`;
    await resolveReferences(
      { providers: [{ name: 'u', project: '${env:PROJECT}', adminToken: '${env:TOKEN}', environments: [{ name: '${env:ENV}' }] }] },
      { dir: '/nowhere', env: { ENV: environment, PROJECT: project, TOKEN: token } },
    );
    assert.deepEqual([redact(environment), redact(project), redact(token)], [environment, project, '[REDACTED]']);
  });

  it('registers credentials written into any URL, referenced or not (token errors quote the token URL)', async () => {
    const password = `pw-${process.hrtime.bigint()}`;
    const bareToken = `glpat-${process.hrtime.bigint()}`;
    await resolveReferences(
      {
        jira: { tokenUrl: `http://tokuser:${password}@127.0.0.1:9/oauth/token` },
        providers: [{ name: 'git', repositories: [{ remote: `https://${bareToken}@git.example/x.git` }] }],
      },
      { dir: '/nowhere', env: {} },
    );
    assert.equal(
      redact(`token request to http://tokuser:${password}@127.0.0.1:9/oauth/token failed`),
      'token request to http://tokuser:[REDACTED]@127.0.0.1:9/oauth/token failed',
    );
    assert.equal(redact(`fetch https://${bareToken}@git.example/x.git`), 'fetch https://[REDACTED]@git.example/x.git');
  });

  it('leaves the account of an ssh remote alone (ssh://deploy@host names a user, not a secret)', async () => {
    const account = `deploy${process.hrtime.bigint()}`;
    await resolveReferences(
      { providers: [{ name: 'git', repositories: [{ remote: `ssh://${account}@git.example/x.git` }] }] },
      { dir: '/nowhere', env: {} },
    );
    assert.equal(redact(`${account}ments`), `${account}ments`);
    assert.deepEqual(literalSecretWarnings({ remote: `ssh://${account}@git.example/x.git` }, new Set()), []);
    assert.equal(literalSecretWarnings({ remote: 'https://ghp_token@git.example/x.git' }, new Set()).length, 1);
  });

  describe('as a process', () => {
    let sim: Simulator;
    let dir: string;
    let config: string;
    const env = () => ({ ...noCi, JIRA_CLIENT_ID: sim.clientId, JIRA_CLIENT_SECRET: REFUSED_SECRET });

    beforeEach(async () => {
      sim = await startSimulator({ clientId: `flagsync-client-${process.pid}` });
      dir = await tempDir('flagsync-client-id-');
      await writeEnvironments(dir, linkedFlags(2));
      config = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)], {
        jira: {
          clientId: '${env:JIRA_CLIENT_ID}',
          clientSecret: '${env:JIRA_CLIENT_SECRET}',
          properties: { team: '${env:JIRA_CLIENT_SECRET}' },
        },
      });
    });
    afterEach(async () => {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('run --once with a refused secret names the client id and never prints the secret', async () => {
      const result = await runCli(['run', '--once', '--config', config], env());
      assert.notEqual(result.code, 0);
      assert.ok((result.stdout + result.stderr).includes(`"${sim.clientId}"`), result.stdout + result.stderr);
      assert.doesNotMatch(result.stdout + result.stderr, new RegExp(REFUSED_SECRET));
    });

    it('send build with a refused secret names the client id and never prints the secret', async () => {
      const result = await runCli(sendBuildArgs(config), env());
      assert.notEqual(result.code, 0);
      assert.ok((result.stdout + result.stderr).includes(`"${sim.clientId}"`), result.stdout + result.stderr);
      assert.doesNotMatch(result.stdout + result.stderr, new RegExp(REFUSED_SECRET));
    });

    it('send --dry-run prints a referenced value as [REDACTED], like the rest of the CLI', async () => {
      const result = await runCli([...sendBuildArgs(config), '--dry-run'], env());
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual((JSON.parse(result.stdout) as { properties: unknown }).properties, { team: '[REDACTED]' });
    });
  });
});
