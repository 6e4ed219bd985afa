import { strict as assert } from 'node:assert';
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli, type CliResult } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

const everything = (result: CliResult, state: string) => `${result.stdout}\n${result.stderr}\n${state}`;

async function stateText(dir: string): Promise<string> {
  return readFile(path.join(dir, 'state.json'), 'utf8').catch(() => '');
}

describe('secrets never leave through run output', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(async () => {
    dir = await tempDir();
    await writeEnvironments(dir, linkedFlags(5));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  describe('a secret inside jira.apiBaseUrl', () => {
    let sim: Simulator;
    const segment = 'path-secret-7f3a9c';
    beforeEach(async () => {
      sim = await startSimulator({});
      await writeFile(path.join(dir, 'segment'), `${segment}\n`);
    });
    afterEach(async () => sim.close());

    for (const json of [false, true]) {
      it(`is redacted from the ${json ? '--json' : 'table'} summary that names the failing URL`, async () => {
        const config = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)], {
          jira: { apiBaseUrl: `${sim.url}/\${file:segment}` },
        });
        const result = await runCli(['run', '--once', ...(json ? ['--json'] : []), '--config', config]);
        assert.equal(result.code, 1, result.stderr);
        // The failure is there (the URL is named), only the secret part is not.
        assert.match(result.stdout, /\[REDACTED\]\/jira\/featureflags/);
        assert.ok(!everything(result, await stateText(dir)).includes(segment));
      });
    }
  });

  describe('an access token echoed back by a proxy', () => {
    let server: http.Server;
    let url: string;
    const issued: string[] = [];
    beforeEach(async () => {
      // A Jira front that echoes the Authorization header in its error body, as some proxies do.
      server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.setHeader('content-type', 'application/json');
          if (req.url === '/oauth/token') {
            const token = `access-token-${issued.length}-${Math.random().toString(36).slice(2)}`;
            issued.push(token);
            res.end(JSON.stringify({ access_token: token, expires_in: 3600, token_type: 'Bearer' }));
            return;
          }
          res.statusCode = 400;
          res.end(JSON.stringify({ errorMessages: [{ message: `request refused, headers were: ${req.headers.authorization ?? ''}` }] }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterEach(async () => new Promise<void>((resolve) => server.close(() => resolve())));

    for (const json of [false, true]) {
      it(`is redacted from the ${json ? '--json' : 'table'} summary`, async () => {
        const sim = { url, cloudId: '11111111-2222-3333-4444-555555555555', clientId: 'client', clientSecret: 'client-secret-xyz' };
        const config = await writeSyncConfig(dir, sim as Simulator, [flagdProvider('files', dir)]);
        const result = await runCli(['run', '--once', ...(json ? ['--json'] : []), '--config', config]);
        assert.equal(result.code, 1, result.stderr);
        assert.ok(issued.length > 0);
        assert.match(result.stdout, /headers were: Bearer \[REDACTED\]/);
        const all = everything(result, await stateText(dir));
        for (const token of issued) assert.ok(!all.includes(token), `token ${token} leaked`);
      });
    }
  });
});
