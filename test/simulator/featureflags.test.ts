import { strict as assert } from 'node:assert';
import { flag, startHarness, type Harness } from './helpers';
import * as sinon from 'sinon';
import { createAjv } from '../../src/simulator/validate';

describe('simulator: feature flags API', () => {
  let h: Harness;
  let headers: { Authorization: string };
  before(async () => {
    h = await startHarness({ maxBodyBytes: 64 * 1024 });
  });
  after(() => h.sim.close());
  beforeEach(async () => {
    h.sim.reset();
    headers = await h.auth();
  });

  const submit = (body: unknown) => h.http.post(`${h.base('featureflags')}/bulk`, body, { headers });
  const messages = (data: unknown) => (data as { message: string }[]).map((m) => m.message);

  describe('storing', () => {
    it('stores a valid flag and returns it from GET field by field', async () => {
      const sent = flag('ff-1');
      const response = await submit({ flags: [sent] });
      assert.equal(response.status, 202);
      const got = await h.http.get(`${h.base('featureflags')}/flag/ff-1`, { headers });
      assert.equal(got.status, 200);
      for (const field of Object.keys(sent)) assert.deepEqual(got.data[field], sent[field], field);
      assert.deepEqual(Object.keys(got.data).sort(), Object.keys(sent).sort());
    });

    it('answers 202 with the flag id in acceptedFeatureFlags', async () => {
      const response = await submit({ flags: [flag('ff-1')] });
      assert.deepEqual(response.data.acceptedFeatureFlags, ['ff-1']);
      assert.deepEqual(response.data.failedFeatureFlags, {});
      assert.deepEqual(response.data.unknownIssueKeys, []);
    });

    it('never returns the request properties from GET', async () => {
      await submit({ flags: [flag('ff-1')], properties: { source: 'flagsync' } });
      const got = await h.http.get(`${h.base('featureflags')}/flag/ff-1`, { headers });
      assert.equal('properties' in got.data, false);
      assert.equal(JSON.stringify(got.data).includes('flagsync'), false);
    });

    it('URL-decodes the flag id in the path', async () => {
      await submit({ flags: [flag('team/a b')] });
      const got = await h.http.get(`${h.base('featureflags')}/flag/${encodeURIComponent('team/a b')}`, { headers });
      assert.equal(got.status, 200);
      assert.equal(got.data.id, 'team/a b');
    });

    it('answers 400 for a flag id in the path over 255 characters (GET and DELETE), as for any path id of Jira', async () => {
      const long = encodeURIComponent('x'.repeat(256));
      for (const method of ['get', 'delete'] as const) {
        const response = await h.http[method](`${h.base('featureflags')}/flag/${long}`, { headers, validateStatus: () => true });
        assert.equal(response.status, 400, method);
        assert.match(JSON.stringify(response.data), /featureFlagId: must NOT have more than 255 characters, got 256/);
      }
      const fits = await h.http.get(`${h.base('featureflags')}/flag/${'x'.repeat(255)}`, { headers, validateStatus: () => true });
      assert.equal(fits.status, 404);
    });

    it('answers 404 for a flag it does not hold', async () => {
      assert.equal((await h.http.get(`${h.base('featureflags')}/flag/nope`, { headers })).status, 404);
    });

    it('exposes stored flags through storedFlag() and stored()', async () => {
      await submit({ flags: [flag('ff-1'), flag('ff-2')] });
      assert.equal((h.sim.storedFlag('ff-2') as { key: string }).key, 'key-ff-2');
      assert.equal(h.sim.stored('featureflags').length, 2);
      assert.equal(h.sim.storedFlag('ff-3'), undefined);
    });
  });

  describe('ordering by updateSequenceId', () => {
    it('ignores a lower updateSequenceId but still lists the flag as accepted', async () => {
      await submit({ flags: [flag('ff-1', { updateSequenceId: 10, displayName: 'new' })] });
      const response = await submit({ flags: [flag('ff-1', { updateSequenceId: 9, displayName: 'old' })] });
      assert.deepEqual(response.data.acceptedFeatureFlags, ['ff-1']);
      assert.equal((h.sim.storedFlag('ff-1') as { displayName: string }).displayName, 'new');
    });

    it('ignores an equal updateSequenceId', async () => {
      await submit({ flags: [flag('ff-1', { updateSequenceId: 10, displayName: 'first' })] });
      await submit({ flags: [flag('ff-1', { updateSequenceId: 10, displayName: 'second' })] });
      assert.equal((h.sim.storedFlag('ff-1') as { displayName: string }).displayName, 'first');
    });

    it('replaces the flag for a greater updateSequenceId', async () => {
      await submit({ flags: [flag('ff-1', { updateSequenceId: 10, displayName: 'first' })] });
      await submit({ flags: [flag('ff-1', { updateSequenceId: 11, displayName: 'second' })] });
      assert.equal((h.sim.storedFlag('ff-1') as { displayName: string }).displayName, 'second');
    });

    it('refuses, per flag, a number past int64 (and past 2^53, which it cannot compare exactly) rather than store it', async () => {
      const response = await submit({
        flags: [flag('ff-1', { updateSequenceId: 1e30 }), flag('ff-2', { updateSequenceId: 2 ** 60 }), flag('ff-3')],
      });
      assert.deepEqual(response.data.acceptedFeatureFlags, ['ff-3']);
      assert.deepEqual(messages(response.data.failedFeatureFlags['ff-1']), ['flags[0]: the sequence number 1e+30 is not an int64']);
      assert.match(messages(response.data.failedFeatureFlags['ff-2'])[0]!, /past 2\^53/);
      assert.equal(h.sim.storedFlag('ff-1'), undefined);
    });
  });

  describe('issue keys', () => {
    it('reports unknown keys and keeps the flag against the known ones', async () => {
      const response = await submit({
        flags: [flag('ff-1', { associations: [{ associationType: 'issueIdOrKeys', values: ['PROJ-1', 'NOPE-9'] }] })],
      });
      assert.deepEqual(response.data.acceptedFeatureFlags, ['ff-1']);
      // An unknown key sent as an association is listed in unknownAssociations only.
      assert.deepEqual(response.data.unknownIssueKeys, []);
      assert.deepEqual(response.data.unknownAssociations, [{ associationType: 'issueIdOrKeys', values: ['NOPE-9'] }]);
      assert.notEqual(h.sim.storedFlag('ff-1'), undefined);
    });

    it('rejects and does not store a flag whose keys are all unknown', async () => {
      const response = await submit({
        flags: [flag('ff-1', { associations: [{ associationType: 'issueKeys', values: ['NOPE-9'] }] }), flag('ff-2')],
      });
      assert.deepEqual(response.data.acceptedFeatureFlags, ['ff-2']);
      assert.deepEqual(response.data.failedFeatureFlags, { 'ff-1': [{ message: 'No valid issues found for feature flag' }] });
      assert.equal(h.sim.storedFlag('ff-1'), undefined);
    });

    it("refuses, per flag, an issue key past Jira's 255 characters a part (\\w{1,255}-\\d{1,255})", async () => {
      const values = (key: string) => [{ associationType: 'issueIdOrKeys', values: [key] }];
      const response = await submit({
        flags: [
          flag('ff-1', { associations: values(`PROJ-${'1'.repeat(256)}`) }),
          flag('ff-2', { associations: values(`PROJ-${'1'.repeat(255)}`) }),
        ],
      });
      assert.deepEqual(Object.keys(response.data.failedFeatureFlags), ['ff-1']);
      assert.equal(h.sim.storedFlag('ff-1'), undefined);
    });

    it('resolves the deprecated issueKeys field too', async () => {
      const { associations: _, ...withoutAssociations } = flag('ff-1');
      const response = await submit({ flags: [{ ...withoutAssociations, issueKeys: ['WEB-1', 'UTF-8'] }] });
      assert.deepEqual(response.data.acceptedFeatureFlags, ['ff-1']);
      assert.deepEqual(response.data.unknownIssueKeys, ['UTF-8']);
    });

    it('uses the configured projects to decide which keys exist', async () => {
      const other = await startHarness({ projects: ['NOPE'] });
      try {
        const response = await other.http.post(
          `${other.base('featureflags')}/bulk`,
          { flags: [flag('ff-1', { associations: [{ associationType: 'issueKeys', values: ['NOPE-9'] }] })] },
          { headers: await other.auth() },
        );
        assert.deepEqual(response.data.acceptedFeatureFlags, ['ff-1']);
      } finally {
        await other.sim.close();
      }
    });
  });

  describe('request validation', () => {
    it('lists a flag breaking a schema rule in failedFeatureFlags of a 202, naming the path, and stores the rest', async () => {
      const bad = flag('ff-1', { summary: { status: {}, lastUpdated: '2024-05-01T10:00:00Z' } });
      const response = await submit({ flags: [bad, flag('ff-2')] });
      assert.equal(response.status, 202);
      assert.deepEqual(response.data.acceptedFeatureFlags, ['ff-2']);
      const failed = (response.data.failedFeatureFlags['ff-1'] as { message: string }[]).map((m) => m.message);
      assert.ok(failed.includes("flags[0].summary.status: must have required property 'enabled'"), failed.join('\n'));
      assert.equal(h.sim.storedFlag('ff-1'), undefined);
      assert.notEqual(h.sim.storedFlag('ff-2'), undefined);
    });

    it("prints nothing of ajv's notice that the UTF-16 option is deprecated (the demo's first line otherwise)", () => {
      const warn = sinon.stub(console, 'warn');
      try {
        createAjv();
        assert.deepEqual(warn.args, []);
      } finally {
        warn.restore();
      }
    });

    it('counts lengths in UTF-16 units, as Jira (Java) does: 200 emoji are 400, over the 255 of a displayName', async () => {
      const response = await submit({
        flags: [flag('ff-1', { displayName: '😀'.repeat(200) }), flag('ff-2', { displayName: '😀'.repeat(127) })],
      });
      assert.deepEqual(response.data.acceptedFeatureFlags, ['ff-2']);
      const failed = (response.data.failedFeatureFlags['ff-1'] as { message: string }[]).map((m) => m.message);
      assert.ok(
        failed.some((m) => m.startsWith('flags[0].displayName: must NOT have more than 255 characters')),
        failed.join('\n'),
      );
    });

    it('lists a flag whose association has no values in failedFeatureFlags of a 202 (not a 500), and stores the rest', async () => {
      const bad = flag('ff-1', { associations: [{ associationType: 'issueIdOrKeys' }] });
      const response = await submit({ flags: [bad, flag('ff-2')] });
      assert.equal(response.status, 202);
      assert.deepEqual(response.data.acceptedFeatureFlags, ['ff-2']);
      const failed = (response.data.failedFeatureFlags['ff-1'] as { message: string }[]).map((m) => m.message);
      assert.ok(
        failed.some((m) => m.startsWith('flags[0].associations[0]')),
        failed.join('\n'),
      );
    });

    it('answers 400 for a flag it cannot name (id not a string): the request is malformed', async () => {
      const response = await submit({ flags: [flag('ff-1', { id: 7 }), flag('ff-2')] });
      assert.equal(response.status, 400);
      assert.ok(Array.isArray(response.data));
      assert.ok(messages(response.data).some((m) => m.startsWith('flags[0].id:')));
      assert.equal(h.sim.storedFlag('ff-2'), undefined);
    });

    it('refuses a misspelt field through the strict schema', async () => {
      const response = await submit({ flags: [flag('ff-1', { dispalyName: 'typo' })] });
      assert.equal(response.status, 202);
      const failed = (response.data.failedFeatureFlags['ff-1'] as { message: string }[]).map((m) => m.message);
      assert.ok(failed.some((m) => m.startsWith('flags[0]:') && m.includes('dispalyName')));
    });

    it('refuses an environment type flags do not allow (unmapped)', async () => {
      const bad = flag('ff-1');
      (bad['details'] as { environment: { type: string } }[])[0]!.environment.type = 'unmapped';
      const response = await submit({ flags: [bad] });
      assert.equal(response.status, 202);
      const failed = (response.data.failedFeatureFlags['ff-1'] as { message: string }[]).map((m) => m.message);
      assert.ok(failed.some((m) => m.startsWith('flags[0].details[0].environment.type:')));
    });

    it('refuses a link to a file, which no Jira user can open', async () => {
      const response = await submit({
        flags: [flag('ff-1', { summary: { ...(flag('x')['summary'] as object), url: '/srv/flags.json' } })],
      });
      assert.equal(response.status, 202);
      assert.deepEqual(Object.keys(response.data.failedFeatureFlags), ['ff-1']);
    });

    it('accepts URLs of hosts without dots and of private addresses, as self-hosted tools use', async () => {
      const urls = ['http://unleash/projects/default/features/a', 'https://10.0.0.5/flags/a', 'http://flagd:8013/flags/a'];
      const flags = urls.map((url, i) => flag(`ff-${i}`, { summary: { ...(flag('x')['summary'] as object), url } }));
      const response = await submit({ flags });
      assert.equal(response.status, 202);
      assert.deepEqual(response.data.acceptedFeatureFlags, ['ff-0', 'ff-1', 'ff-2']);
    });

    it('answers 400 for 101 flags in one request', async () => {
      const flags = Array.from({ length: 101 }, (_, i) => flag(`ff-${i}`));
      const response = await submit({ flags });
      assert.equal(response.status, 400);
      assert.ok(messages(response.data).some((m) => m.startsWith('flags:')));
    });

    it('caps the listed problems at 50 and says how many more there are', async () => {
      const flags = Array.from({ length: 60 }, (_, i) => flag(`ff-${i}`, { id: i }));
      const response = await submit({ flags });
      assert.equal(response.status, 400);
      assert.equal(response.data.length, 51);
      assert.match(messages(response.data)[50]!, /^\.\.\. and \d+ more problems$/);
    });

    it('accepts exactly 100 flags in one request', async () => {
      const response = await submit({ flags: Array.from({ length: 100 }, (_, i) => flag(`ff-${i}`)) });
      assert.equal(response.status, 202);
      assert.equal(response.data.acceptedFeatureFlags.length, 100);
    });

    it('answers 400 for an empty flags array', async () => {
      assert.equal((await submit({ flags: [] })).status, 400);
    });

    it('answers 400 for a duplicate flag id', async () => {
      const response = await submit({ flags: [flag('ff-1'), flag('ff-1')] });
      assert.equal(response.status, 400);
      assert.ok(messages(response.data).some((m) => m.startsWith('flags[1]:') && m.includes('duplicate')));
    });

    it('refuses a flag whose association values sum to more than 500, and stores the rest', async () => {
      const values = (n: number, project: string) => Array.from({ length: n }, (_, i) => `${project}-${i + 1}`);
      const associations = [
        { associationType: 'issueKeys', values: values(300, 'PROJ') },
        { associationType: 'issueIdOrKeys', values: values(201, 'WEB') },
      ];
      const response = await submit({ flags: [flag('ff-1', { associations }), flag('ff-2')] });
      assert.equal(response.status, 202);
      assert.deepEqual(response.data.acceptedFeatureFlags, ['ff-2']);
      assert.ok(messages(response.data.failedFeatureFlags['ff-1']).some((m) => m.includes('maximum of 500 elements. Found 501')));
    });

    it('answers 400 for a property key containing a colon', async () => {
      const response = await submit({ flags: [flag('ff-1')], properties: { 'a:b': 'x' } });
      assert.equal(response.status, 400);
    });

    it('answers 400 for a property key starting with an underscore', async () => {
      const response = await submit({ flags: [flag('ff-1')], properties: { _source: 'x' } });
      assert.equal(response.status, 400);
    });

    it('answers 400 for more than 5 properties', async () => {
      const properties = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`k${i}`, 'v']));
      assert.equal((await submit({ flags: [flag('ff-1')], properties })).status, 400);
    });

    it('answers 400 with the array body for malformed JSON', async () => {
      const response = await h.http.post(`${h.base('featureflags')}/bulk`, '{"flags": [', {
        headers: { ...headers, 'Content-Type': 'application/json' },
        transformRequest: [(data: unknown) => data], // send the broken text as is
      });
      assert.equal(response.status, 400);
      assert.ok(messages(response.data)[0]!.startsWith('Malformed JSON'));
    });

    it('answers 415 for a body not declared as JSON (Jira takes application/json only), charset allowed', async () => {
      const body = JSON.stringify({ flags: [flag('ff-1')] });
      const plain = await h.http.post(`${h.base('featureflags')}/bulk`, body, { headers: { ...headers, 'Content-Type': 'text/plain' } });
      assert.equal(plain.status, 415);
      assert.match(messages(plain.data)[0]!, /expected Content-Type application\/json, got text\/plain/);
      const charset = await h.http.post(`${h.base('featureflags')}/bulk`, body, {
        headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' },
      });
      assert.equal(charset.status, 202);
    });

    it('answers 413 with the array body for a body over maxBodyBytes', async () => {
      const response = await submit({ flags: [flag('ff-1', { displayName: 'x'.repeat(70 * 1024) })] });
      assert.equal(response.status, 413);
      assert.ok(Array.isArray(response.data));
      assert.equal(h.sim.storedFlag('ff-1'), undefined);
    });
  });

  describe('deleting', () => {
    it('ignores _updateSequenceId on a delete by id ("no longer supported" in the spec)', async () => {
      await submit({ flags: [flag('ff-1', { updateSequenceId: 10 })] });
      await h.http.delete(`${h.base('featureflags')}/flag/ff-1`, { headers, params: { _updateSequenceId: 5 } });
      assert.equal(h.sim.storedFlag('ff-1'), undefined);
    });

    it('ignores _updateSequenceId on bulkByProperties ("no longer supported" in the spec)', async () => {
      await submit({ flags: [flag('ff-1', { updateSequenceId: 10 })], properties: { source: 'a' } });
      await h.http.delete(`${h.base('featureflags')}/bulkByProperties`, { headers, params: { source: 'a', _updateSequenceId: 5 } });
      assert.equal(h.sim.storedFlag('ff-1'), undefined);
    });

    it('deletes a flag by id with 202', async () => {
      await submit({ flags: [flag('ff-1')] });
      const response = await h.http.delete(`${h.base('featureflags')}/flag/ff-1`, { headers });
      assert.equal(response.status, 202);
      assert.equal(h.sim.storedFlag('ff-1'), undefined);
    });

    it('answers 202 when deleting a flag that does not exist', async () => {
      assert.equal((await h.http.delete(`${h.base('featureflags')}/flag/never`, { headers })).status, 202);
    });

    it('deletes by properties only the flags tagged with ALL given properties', async () => {
      await submit({ flags: [flag('both')], properties: { source: 'flagsync', env: 'prod' } });
      await submit({ flags: [flag('source-only')], properties: { source: 'flagsync', env: 'dev' } });
      await submit({ flags: [flag('untagged')] });
      const response = await h.http.delete(`${h.base('featureflags')}/bulkByProperties`, {
        headers,
        params: { source: 'flagsync', env: 'prod' },
      });
      assert.equal(response.status, 202);
      assert.deepEqual(
        h.sim
          .stored('featureflags')
          .map((f) => (f as { id: string }).id)
          .sort(),
        ['source-only', 'untagged'],
      );
    });

    it('answers 400 for bulkByProperties without any property', async () => {
      await submit({ flags: [flag('ff-1')], properties: { source: 'flagsync' } });
      const response = await h.http.delete(`${h.base('featureflags')}/bulkByProperties`, { headers });
      assert.equal(response.status, 400);
      assert.notEqual(h.sim.storedFlag('ff-1'), undefined);
    });
  });
});
