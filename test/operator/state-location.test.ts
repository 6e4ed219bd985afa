import { strict as assert } from 'node:assert';
import { chmodSync, existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parse } from 'yaml';
import { builtInRegistry } from '../../src/adapter-host/registry';
import { STARTER_ADAPTERS, starterConfig } from '../../src/cli/starter-config';
import { loadConfig } from '../../src/config';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/flagd-fixtures';
import { TestRepo } from '../helpers/git-repo';

const SECRETS = { JIRA_CLIENT_ID: 'id', JIRA_CLIENT_SECRET: 'secret', UNLEASH_ADMIN_TOKEN: 't', LD_SDK_KEY_PRODUCTION: 'sdk-x' };
// Root writes into a read-only folder anyway: there the test checks where things go, not that writing fails.
const chmodBinds = process.getuid?.() !== 0;

/**
 * Where state goes for a config `flagsync init` wrote: the image mounts the config read-only at /etc/flagsync and
 * points FLAGSYNC_STATE_PATH at its volume, so a state path in the starter config broke every run there.
 */
describe('CLI: where a starter config keeps state', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(async () => {
    dir = await tempDir('flagsync-state-location-');
  });
  afterEach(async () => {
    if (existsSync(path.join(dir, 'etc'))) chmodSync(path.join(dir, 'etc'), 0o755);
    await rm(dir, { recursive: true, force: true });
  });

  it('init writes no state.path: FLAGSYNC_STATE_PATH decides, else ./.flagsync/state.json beside the config as before', async () => {
    const written = path.join(dir, 'flagsync.yaml');
    const made = await runCli(['init', '--adapter', 'flagd', '--cloud-id', '11111111-2222-3333-4444-555555555555', '--output', written]);
    assert.equal(made.code, 0, made.stderr);
    const texts = new Map([['init', await readFile(written, 'utf8')]]);
    for (const adapter of STARTER_ADAPTERS)
      texts.set(adapter, starterConfig({ adapter, name: adapter, schemaRef: './x.json', site: 'acme.atlassian.net' }));
    for (const [which, text] of texts) {
      const file = path.join(dir, `${which}.yaml`);
      await writeFile(file, text);
      assert.equal((parse(text) as { state?: unknown }).state, undefined, `${which}: no state section`);
      const plain = await loadConfig(file, builtInRegistry(), SECRETS);
      assert.deepEqual(plain.state, { store: 'file', path: path.join(dir, '.flagsync', 'state.json') }, which);
      const fromEnv = await loadConfig(file, builtInRegistry(), { ...SECRETS, FLAGSYNC_STATE_PATH: '/var/lib/flagsync/state.json' });
      assert.deepEqual(fromEnv.state, { store: 'file', path: '/var/lib/flagsync/state.json' }, which);
    }
  });

  describe('a starter config in a read-only folder with FLAGSYNC_STATE_PATH set (the container image)', () => {
    let sim: Simulator;
    beforeEach(async () => {
      sim = await startSimulator({});
    });
    afterEach(() => sim.close());

    it('run --once writes state, and the git mirrors, into the FLAGSYNC_STATE_PATH folder', async () => {
      const remote = new TestRepo(path.join(dir, 'remote'));
      remote.commit('PROJ-1 first');
      const etc = path.join(dir, 'etc');
      const data = path.join(dir, 'var');
      await mkdir(etc);
      await mkdir(data);
      const config = path.join(etc, 'flagsync.yaml');
      const made = await runCli(['init', '--adapter', 'git', '--cloud-id', sim.cloudId, '--output', config]);
      assert.equal(made.code, 0, made.stderr);
      // The edits a user makes: their repository (a remote, so mirrored), and Jira is the simulator here.
      const text = (await readFile(config, 'utf8'))
        .replace(`cloudId: ${sim.cloudId}`, `cloudId: ${sim.cloudId}\n  tokenUrl: ${sim.url}/oauth/token\n  apiBaseUrl: ${sim.url}`)
        .replace('- path: /srv/git/web.git', `- remote: ${remote.dir}`);
      assert.notEqual(text, await readFile(config, 'utf8'));
      await writeFile(config, text);
      const env = {
        JIRA_CLIENT_ID: sim.clientId,
        JIRA_CLIENT_SECRET: sim.clientSecret,
        FLAGSYNC_STATE_PATH: path.join(data, 'state.json'),
      };
      if (chmodBinds) chmodSync(etc, 0o555);
      else assert.equal((await loadConfig(config, builtInRegistry(), env)).state.path, path.join(data, 'state.json'));

      const result = await runCli(['run', '--once', '--config', config], env);
      assert.equal(result.code, 0, `${result.stdout}${result.stderr}`);
      assert.ok(existsSync(path.join(data, 'state.json')), 'state in the FLAGSYNC_STATE_PATH folder');
      const provider = /\n {2}- name: (\S+)/.exec(text)?.[1] ?? '';
      assert.ok(
        existsSync(path.join(data, 'mirrors', provider, 'web.git', 'HEAD')),
        "the mirror beside the state, in its provider's folder",
      );
      assert.ok(!existsSync(path.join(etc, '.flagsync')), 'nothing written beside the config');
      assert.deepEqual(
        (sim.stored('devinfo') as unknown as { id: string }[]).map((r) => r.id),
        ['web'],
      );
    });
  });
});
