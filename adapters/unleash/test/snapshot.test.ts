import { strict as assert } from 'node:assert';
import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { SourceError, type NormalizedFlag } from '../../../src/kit';
import { adapterFrom, adminEntry, clientEntry, rejectionOf, snapshotOf } from './adapter-under-test';
import { seedCatalogue } from './fixture-data';
import { startUnleash, waitFor, type UnleashServer } from './harness';
import { UnleashSeeder } from './seed';

/** Both read modes against a real Unleash 7.5 server seeded through the Admin API. */
describe('Unleash adapter against a real Unleash server', function () {
  let server: UnleashServer;
  let seededAt: number;

  before(async function () {
    this.timeout(180_000);
    server = await startUnleash();
    seededAt = Date.now() - 1000;
    await seedCatalogue(new UnleashSeeder(server));
  });

  after(async function () {
    this.timeout(30_000);
    await server?.stop();
  });

  const off = (name: string, url: string) => ({ name, enabled: false, defaultValue: 'false', url });
  const on = (name: string, url: string, rollout: NormalizedFlag['environments'][number]['rollout']) => ({
    name,
    enabled: true,
    defaultValue: 'false',
    rollout,
    url,
  });

  /** What both modes must agree on; admin mode adds tags and lastUpdated. */
  function expectedFlags(): Array<Omit<NormalizedFlag, 'lastUpdated'>> {
    const url = (key: string) => `${server.uiUrl}/projects/default/features/${key}`;
    return [
      {
        provider: 'unleash',
        key: 'PROJ-7-checkout',
        description: 'New checkout flow',
        tags: ['simple:team-checkout', 'jira:DEMO-3'],
        url: url('PROJ-7-checkout'),
        issueKeys: [],
        environments: [on('production', url('PROJ-7-checkout'), { percentage: 30 }), off('development', url('PROJ-7-checkout'))],
      },
      {
        provider: 'unleash',
        key: 'search-v2',
        description: 'Search rewrite, see WEB-12',
        tags: [],
        url: url('search-v2'),
        issueKeys: [],
        environments: [
          on('production', url('search-v2'), {
            rules: 1,
            text: '30% of users (userId); 2 constraints; segment beta-testers; variants blue, green',
          }),
          on('development', url('search-v2'), { percentage: 100 }),
        ],
      },
      {
        provider: 'unleash',
        key: 'ops-kill-switch',
        description: 'Turns payments off',
        tags: [],
        url: url('ops-kill-switch'),
        issueKeys: [],
        environments: [
          on('production', url('ops-kill-switch'), { percentage: 100 }),
          on('development', url('ops-kill-switch'), { rules: 2, text: '2 strategies: 3 targeted users | 2 IP addresses' }),
        ],
      },
      {
        provider: 'unleash',
        key: 'hosts-and-regions',
        tags: [],
        url: url('hosts-and-regions'),
        issueKeys: [],
        environments: [
          on('production', url('hosts-and-regions'), { rules: 1, text: '1 hostname' }),
          off('development', url('hosts-and-regions')),
        ],
      },
      {
        provider: 'unleash',
        key: 'half-rollout',
        tags: [],
        url: url('half-rollout'),
        issueKeys: [],
        environments: [on('production', url('half-rollout'), { percentage: 50 }), off('development', url('half-rollout'))],
      },
    ];
  }

  const byKey = (flags: readonly NormalizedFlag[]) => new Map(flags.map((f) => [f.key, f]));
  const activeKeys = () =>
    expectedFlags()
      .map((f) => f.key)
      .sort();

  describe('Admin API mode', function () {
    let flags: ReadonlyMap<string, NormalizedFlag>;
    before(async function () {
      flags = byKey((await snapshotOf(adapterFrom(adminEntry(server)))).flags);
    });

    it('returns exactly the active flags (the archived one is absent)', function () {
      assert.deepEqual([...flags.keys()].sort(), activeKeys());
    });

    for (const key of ['PROJ-7-checkout', 'search-v2', 'ops-kill-switch', 'hosts-and-regions', 'half-rollout']) {
      it(`maps ${key} field by field (each environment typed as Unleash types it)`, function () {
        const { lastUpdated, ...rest } = flags.get(key)!;
        const expected = expectedFlags().find((f) => f.key === key)!;
        assert.deepEqual(rest, {
          ...expected,
          environments: expected.environments.map((e) => ({ ...e, type: e.name === 'production' ? 'production' : 'development' })),
        });
        assert.ok(
          lastUpdated !== undefined && Date.parse(lastUpdated) >= seededAt,
          `lastUpdated ${lastUpdated} is the time of the flag's newest event`,
        );
      });
    }

    it('dates every flag by its own newest event, read in batches (the same time Unleash gives for that flag alone)', async function () {
      const newestOf = async (name: string): Promise<string | undefined> => {
        const url = `${server.apiUrl}/admin/search/events?feature=${encodeURIComponent(`IS:${name}`)}&limit=1&offset=0`;
        const res = await fetch(url, { headers: { Authorization: server.adminToken } });
        const body = (await res.json()) as { events: Array<{ createdAt: string }> };
        return body.events[0]?.createdAt;
      };
      const times = new Set<string | undefined>();
      for (const [key, flag] of flags) {
        const expected = await newestOf(key);
        assert.ok(expected !== undefined, `${key} has events`);
        assert.equal(flag.lastUpdated, new Date(expected).toISOString(), key);
        times.add(flag.lastUpdated);
      }
      assert.ok(times.size > 1, 'the flags were changed at different times, so a mix-up would show');
    });

    it('reads the configured project, and rejects one Unleash does not have rather than read it as empty', async function () {
      const inProject = await snapshotOf(adapterFrom(adminEntry(server, { project: 'default' })));
      assert.deepEqual(inProject.flags.map((f) => f.key).sort(), activeKeys());
      // The feature search answers an unknown project with no features: read as such, every flag would be deleted.
      const err = await rejectionOf(snapshotOf(adapterFrom(adminEntry(server, { project: 'no-such-project' }))));
      assert.ok(err instanceof SourceError);
      assert.match(err.message, /^unleash: .*project "no-such-project" not found in Unleash \(it has: default\)/);
    });

    it('links to the configured uiUrl', async function () {
      const snapshot = await snapshotOf(adapterFrom(adminEntry(server, { uiUrl: 'https://unleash.example.com/' })));
      const flag = snapshot.flags.find((f) => f.key === 'half-rollout')!;
      assert.equal(flag.url, 'https://unleash.example.com/projects/default/features/half-rollout');
    });

    it('reads only the configured environments', async function () {
      const snapshot = await snapshotOf(adapterFrom(adminEntry(server, { environments: [{ name: 'development' }] })));
      assert.deepEqual(new Set(snapshot.flags.flatMap((f) => f.environments.map((e) => e.name))), new Set(['development']));
    });

    it('rejects an environment Unleash does not have, naming it', async function () {
      const err = await rejectionOf(snapshotOf(adapterFrom(adminEntry(server, { environments: [{ name: 'prod' }] }))));
      assert.ok(err instanceof SourceError);
      assert.match(err.message, /^unleash: .*environment\(s\) prod not found/);
    });

    it('rejects a wrong admin token with 401, naming the provider and not the token', async function () {
      const wrong = '*:*.0123456789abcdef0123456789abcdef';
      const err = await rejectionOf(snapshotOf(adapterFrom(adminEntry(server, { name: 'unleash-eu', adminToken: wrong }))));
      assert.ok(err instanceof SourceError);
      assert.equal(err.provider, 'unleash-eu');
      assert.match(err.message, /^unleash-eu: .*answered 401/);
      assert.ok(!err.message.includes(wrong) && !err.message.includes('0123456789abcdef'));
    });

    it('rejects a client token used as admin token with 403, naming the provider and not the token', async function () {
      const err = await rejectionOf(snapshotOf(adapterFrom(adminEntry(server, { adminToken: server.clientTokens.production }))));
      assert.ok(err instanceof SourceError);
      assert.match(err.message, /^unleash: .*answered 403/);
      assert.ok(!err.message.includes(server.clientTokens.production.split('.')[1]!));
    });

    it('rejects when the signal aborts, instead of returning a partial list', async function () {
      const controller = new AbortController();
      const pending = snapshotOf(adapterFrom(adminEntry(server)), controller.signal);
      controller.abort();
      const err = await rejectionOf(pending);
      assert.ok(err instanceof SourceError);
      assert.match(err.message, /aborted/);
    });
  });

  describe('client-token mode (unleash-client SDK)', function () {
    let flags: ReadonlyMap<string, NormalizedFlag>;
    before(async function () {
      flags = byKey((await snapshotOf(adapterFrom(clientEntry(server)))).flags);
    });

    it('returns exactly the active flags (the archived one is absent)', function () {
      assert.deepEqual([...flags.keys()].sort(), activeKeys());
    });

    for (const key of ['PROJ-7-checkout', 'search-v2', 'ops-kill-switch', 'hosts-and-regions', 'half-rollout']) {
      it(`maps ${key} field by field (no tags and no change time: the client API has none)`, function () {
        assert.deepEqual(flags.get(key), { ...expectedFlags().find((f) => f.key === key)!, tags: [] });
      });
    }

    it('rejects a wrong client token with 401, naming the provider and environment, not the token', async function () {
      const wrong = 'default:production.fedcba9876543210fedcba9876543210';
      const entry = clientEntry(server);
      const environments = [{ name: 'production', clientToken: wrong }, (entry.environments as unknown[])[1]];
      const err = await rejectionOf(snapshotOf(adapterFrom({ ...entry, environments })));
      assert.ok(err instanceof SourceError);
      assert.match(err.message, /^unleash: .*401.*environment production/);
      assert.ok(!err.message.includes('fedcba9876543210'));
    });

    it("rejects a token of another environment or project by the token's own prefix, quoting no secret", async function () {
      const entry = clientEntry(server);
      const [production, development] = entry.environments as Array<Record<string, unknown>>;
      // The development token under production: Unleash would serve development's states as production's.
      const swapped = [{ ...production, clientToken: server.clientTokens.development }, development];
      const wrongEnvironment = await rejectionOf(snapshotOf(adapterFrom({ ...entry, environments: swapped })));
      assert.ok(wrongEnvironment instanceof SourceError);
      assert.match(
        wrongEnvironment.message,
        /the client token of environment "production" is for Unleash environment "development"; nothing is read or deleted/,
      );
      // Tokens of project default asked for another project: Unleash would answer with no features.
      const wrongProject = await rejectionOf(snapshotOf(adapterFrom({ ...entry, project: 'payments' })));
      assert.match(wrongProject.message, /is for project "default", not the configured "payments"/);
      for (const err of [wrongEnvironment, wrongProject]) {
        const secret = server.clientTokens.development.split('.')[1]!;
        assert.ok(!err.message.includes(secret), 'the secret part of a token is never quoted');
      }
    });

    it('leaves no polling client behind', async function () {
      // The SDK unrefs its poll timer unless NODE_ENV is 'test'; ref'd, a leftover poll is a pending ref'd timer.
      const saved = process.env.NODE_ENV;
      process.env.NODE_ENV = 'test';
      const timers = timersStartedWithin();
      try {
        await timers.run(() => snapshotOf(adapterFrom(clientEntry(server))));
        // The reader's own deadline timer at least: proof the tracking sees timers started inside the snapshot.
        assert.ok(timers.started() > 0, 'no timer was tracked during the snapshot');
        // Request timers end with their response (async_hooks reports cleared timers a moment later); a leftover
        // poll would wait the SDK's 60 s refresh interval.
        await waitFor('timers started by the snapshot to end', 2_000, async () => (timers.pendingRefd() === 0 ? true : undefined));
      } finally {
        timers.stop();
        if (saved === undefined) delete process.env.NODE_ENV;
        else process.env.NODE_ENV = saved;
      }
    });
  });
});

/**
 * Tracks only the timers created inside `run` (and whatever it starts asynchronously). A before/after count of all
 * active timers is wrong here: mocha arms its own per-test timeout timer only after the test function returned its
 * promise, so that timer appears between the counts and lives until the test ends; timers of earlier tests ending
 * meanwhile hid it now and then.
 */
function timersStartedWithin() {
  const scope = new AsyncLocalStorage<true>();
  const pending = new Map<number, NodeJS.Timeout>();
  let started = 0;
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type === 'Timeout' && scope.getStore() === true) {
        started += 1;
        pending.set(id, resource as NodeJS.Timeout);
      }
    },
    // Emitted once a Timeout fired (non-repeating) or was cleared.
    destroy(id) {
      pending.delete(id);
    },
  }).enable();
  return {
    run: <T>(fn: () => Promise<T>): Promise<T> => scope.run(true, fn),
    started: () => started,
    pendingRefd: () => [...pending.values()].filter((t) => t.hasRef()).length,
    stop: () => hook.disable(),
  };
}
