import { strict as assert } from 'node:assert';
import axios from 'axios';
import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli } from '../helpers/cli';
import { flagdFile, tempDir, writeEnvironments, type FixtureFlag } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

const base: FixtureFlag[] = [
  { key: 'PROJ-1-cart', percent: 10 },
  { key: 'PROJ-2-search', enabled: false },
  { key: 'PROJ-3-old' },
  { key: 'PROJ-4-keys', description: 'also PROJ-5' },
];

interface JsonPlan {
  providers: Array<{
    name: string;
    unlinkedFlags: string[];
    create: Array<{ id: string; values: string }>;
    update: Array<{ id: string; changes: Array<{ field: string; before: unknown; after: unknown }> }>;
    delete: Array<{ id: string; reason: string }>;
  }>;
}

describe('CLI: plan shows values like terraform plan, and names what is left out', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;
  let config: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    await writeEnvironments(dir, [...base, { key: 'no-key-here' }]);
    config = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)]);
    assert.equal((await runCli(['run', '--once', '--config', config])).code, 0);
    await writeEnvironments(dir, [
      { key: 'PROJ-1-cart', percent: 30 },
      { key: 'PROJ-2-search', enabled: true },
      { key: 'proj-4-keys', description: 'no keys any more' },
      { key: 'PROJ-4-keys', description: 'now PROJ-6' },
      { key: 'PROJ-7-new', percent: 50 },
      { key: 'no-key-here' },
      { key: 'nor-here' },
    ]);
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('text: creates with values, updates before → after, deletes with the reason, unlinked flags named', async () => {
    sim.clearRequests();
    const result = await runCli(['plan', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout;
    assert.match(out, /^ {2}~ shop:PROJ-1-cart {2}production: rollout 10% → 30%; staging: rollout 10% → 30%$/m);
    assert.match(
      out,
      // flagd flags have no default value (a disabled one serves the code default): switched on, only state and rollout change.
      /^ {2}~ shop:PROJ-2-search {2}production: enabled false → true; production: rollout \(none\) → 0%; staging: enabled/m,
    );
    assert.match(out, /^ {2}~ shop:PROJ-4-keys {2}issue keys \+PROJ-6 -PROJ-5$/m);
    assert.match(out, /^ {2}\+ shop:PROJ-7-new {2}\(PROJ-7\) {2}production: on, rollout 50%; staging: on, rollout 50%$/m);
    assert.match(out, /^ {2}- shop:PROJ-3-old {2}\(gone from the source\)$/m);
    assert.match(out, /unlinked, not sent \(no issue key found\): shop:proj-4-keys, shop:no-key-here, shop:nor-here$/m);
    // Reading values is all a plan does in Jira.
    assert.deepEqual([...new Set(sim.requests.filter((r) => !r.path.startsWith('/oauth')).map((r) => r.method))], ['GET']);
  });

  it('--json: before and after per changed field, and every unlinked flag', async () => {
    const result = await runCli(['plan', '--json', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    const [shop] = (JSON.parse(result.stdout) as JsonPlan).providers;
    const cart = shop!.update.find((u) => u.id === 'shop:PROJ-1-cart')!;
    assert.deepEqual(cart.changes, [
      { field: 'production.rollout', before: { percentage: 10 }, after: { percentage: 30 } },
      { field: 'staging.rollout', before: { percentage: 10 }, after: { percentage: 30 } },
    ]);
    const search = shop!.update.find((u) => u.id === 'shop:PROJ-2-search')!;
    assert.deepEqual(search.changes[0], { field: 'production.enabled', before: false, after: true });
    assert.deepEqual(shop!.delete, [{ id: 'shop:PROJ-3-old', reason: 'gone from the source' }]);
    assert.deepEqual(shop!.unlinkedFlags.sort(), ['shop:no-key-here', 'shop:nor-here', 'shop:proj-4-keys']);
  });

  it('a flag that lost its issue keys is deleted for that reason', async () => {
    await writeEnvironments(dir, [...base, { key: 'checkout', description: 'for PROJ-8' }]);
    assert.equal((await runCli(['run', '--once', '--config', config])).code, 0);
    await writeEnvironments(dir, [...base, { key: 'checkout', description: 'for nobody' }]);
    const result = await runCli(['plan', '--json', '--config', config]);
    const [shop] = (JSON.parse(result.stdout) as JsonPlan).providers;
    assert.deepEqual(shop!.delete, [{ id: 'shop:checkout', reason: 'lost its issue keys (now unlinked)' }]);
    assert.match((await runCli(['plan', '--config', config])).stdout, /^ {2}- shop:checkout {2}\(lost its issue keys \(now unlinked\)\)$/m);
  });

  it('skipped flags appear in the plan text, not only in the log', async () => {
    const file = path.join(dir, 'production.flagd.json');
    const flags = JSON.parse(flagdFile(base)) as { flags: Record<string, Record<string, unknown>> };
    // A fractional bucket naming a variant the flag does not have: flagd cannot evaluate it, so the flag is skipped.
    flags.flags['PROJ-4-keys'] = {
      ...flags.flags['PROJ-4-keys'],
      targeting: {
        fractional: [
          ['nope', 50],
          ['off', 50],
        ],
      },
    };
    await writeFile(file, JSON.stringify(flags));
    const result = await runCli(['plan', '--config', config]);
    assert.match(result.stdout, /^ {2}warning: flag shop:PROJ-4-keys: skipped/m);
  });

  it('an update of a flag Jira does not hold (state recorded a send Jira never took) shows what is sent again', async () => {
    // Jira lost PROJ-1-cart after the first run recorded it (deleted there, or the send's answer was lost).
    const http = axios.create({ baseURL: sim.url, validateStatus: () => true, proxy: false });
    const token = await http.post('/oauth/token', {
      audience: 'api.atlassian.com',
      grant_type: 'client_credentials',
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
    });
    const gone = await http.delete(`/jira/featureflags/0.1/cloud/${sim.cloudId}/flag/${encodeURIComponent('shop:PROJ-1-cart')}`, {
      headers: { Authorization: `Bearer ${(token.data as { access_token: string }).access_token}` },
    });
    assert.equal(gone.status, 202);
    const text = await runCli(['plan', '--config', config]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /^ {2}~ shop:PROJ-1-cart {2}\(PROJ-1\) {2}not in Jira now, sent again: production: on, rollout 30%; staging: on, rollout 30%$/m,
    );
    const json = JSON.parse((await runCli(['plan', '--json', '--config', config])).stdout) as {
      providers: Array<{ update: Array<{ id: string; notInJira?: boolean; values?: string }> }>;
    };
    assert.deepEqual(
      json.providers[0]!.update.find((u) => u.id === 'shop:PROJ-1-cart'),
      {
        id: 'shop:PROJ-1-cart',
        changedFields: [],
        changes: null,
        notInJira: true,
        values: 'production: on, rollout 30%; staging: on, rollout 30%',
      },
    );
  });
});
