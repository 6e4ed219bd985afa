import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { run, tempDir } from '../helpers/packed';
import { freePort } from '../helpers/ports';

/** The image's HEALTHCHECK script (bin/healthcheck.js), run as the image runs it: node, FLAGSYNC_CONFIG, no args. */
const script = path.resolve(__dirname, '..', '..', 'bin', 'healthcheck.js');

function healthcheck(env: NodeJS.ProcessEnv) {
  return run(process.execPath, [script], path.dirname(script), { PATH: process.env['PATH'], ...env });
}

async function configFile(content: unknown): Promise<string> {
  const file = path.join(await tempDir('flagsync-healthcheck-'), 'flagsync.yaml');
  await writeFile(file, typeof content === 'string' ? content : stringify(content));
  return file;
}

const BASE = { jira: { site: 'acme.atlassian.net' }, providers: [] };

describe('the image health check (bin/healthcheck.js)', () => {
  let server: Server;
  let port: number;
  let asked: string[];
  before(async () => {
    asked = [];
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(req.url === '/healthz' ? 200 : 404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("asks /healthz on the config's metrics.port and passes when it answers 200", async () => {
    const result = await healthcheck({ FLAGSYNC_CONFIG: await configFile({ ...BASE, metrics: { port } }) });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(asked.includes('/healthz'));
  });

  it('uses metrics.host when it names one address', async () => {
    const result = await healthcheck({ FLAGSYNC_CONFIG: await configFile({ ...BASE, metrics: { port, host: '127.0.0.1' } }) });
    assert.equal(result.code, 0, result.stderr);
  });

  it('fails when nothing answers on the configured port', async () => {
    const closed = await freePort();
    const result = await healthcheck({ FLAGSYNC_CONFIG: await configFile({ ...BASE, metrics: { port: closed } }) });
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`flagsync health check: http://127\\.0\\.0\\.1:${closed}/healthz: ECONNREFUSED`));
  });

  it('passes when the config sets no metrics.port (no /healthz is served), saying why', async () => {
    const result = await healthcheck({ FLAGSYNC_CONFIG: await configFile(BASE) });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /sets no metrics\.port, so no \/healthz to ask: passing/);
  });

  it('passes when there is no config file to read a port from', async () => {
    const dir = await tempDir('flagsync-healthcheck-');
    const result = await healthcheck({ FLAGSYNC_CONFIG: path.join(dir, 'missing.yaml') });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /no config file at/);
  });

  it('fails on a config it cannot parse', async () => {
    const result = await healthcheck({ FLAGSYNC_CONFIG: await configFile('metrics:\n\tport: 9464\n') });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /flagsync health check: cannot parse/);
  });

  it('FLAGSYNC_HEALTH_URL wins over the config', async () => {
    const closed = await freePort();
    const result = await healthcheck({
      FLAGSYNC_CONFIG: await configFile({ ...BASE, metrics: { port: closed } }),
      FLAGSYNC_HEALTH_URL: `http://127.0.0.1:${port}/healthz`,
    });
    assert.equal(result.code, 0, result.stderr);
  });
});
