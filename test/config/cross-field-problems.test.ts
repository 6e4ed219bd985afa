import { strict as assert } from 'node:assert';
import { builtInRegistry } from '../../src/adapter-host/registry';
import { parseConfig } from '../../src/config/load';
import { ConfigError } from '../../src/config/types';
import { baseEnv } from './helpers';

const JIRA = `jira:
  cloudId: 11111111-2222-3333-4444-555555555555
  clientId: \${env:JIRA_CLIENT_ID}
  clientSecret: \${env:JIRA_CLIENT_SECRET}
`;

async function problemsOf(text: string): Promise<readonly string[]> {
  try {
    await parseConfig(text, { path: '/srv/flagsync/flagsync.yaml', registry: builtInRegistry(), env: baseEnv });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('expected the config to be refused');
}

describe('config: rules across fields name every problem at its own path', () => {
  it('git: each repository with a problem on its own line, and maxCommits at its path', async () => {
    const problems = await problemsOf(`${JIRA}providers:
  - name: code
    adapter: git
    maxCommits: 0
    repositories:
      - { name: web, url: https://git.example/web }
      - { name: b c, path: /srv/repos/bc, url: https://git.example/bc }
      - { name: api, path: /srv/repos/api, remote: https://git.example/api.git, url: https://git.example/api }
      - { name: api, path: /srv/repos/api2, url: https://git.example/api2 }
`);
    assert.deepEqual([...problems].sort(), [
      'providers[0].maxCommits: expected a whole number ≥ 1, got 0',
      'providers[0].repositories[0]: expected either path or remote (one of the two)',
      'providers[0].repositories[1]: expected an id (letters, digits, ~ . - _) since its name "b c" is not one',
      'providers[0].repositories[2]: expected either path or remote (one of the two)',
      'providers[0].repositories[3]: expected a repository id of its own ("api" appears twice)',
    ]);
  });

  it('a rule about the value as a whole is still one line at the provider', async () => {
    assert.deepEqual(await problemsOf(`${JIRA}providers:\n  - name: code\n    adapter: git\n    repositories: []\n`), [
      'providers[0]: expected at least one repository',
    ]);
  });
});
