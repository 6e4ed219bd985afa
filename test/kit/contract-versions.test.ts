import * as assert from 'node:assert/strict';
import * as t from 'io-ts';
import { AdapterLoadError, assertAdapterFactory } from '../../src/adapter-host/factory-shape';
import { createSource } from '../../src/adapter-host/instantiate';
import { decodeAdapterOptions } from '../../src/config/adapter-options';
import { ADAPTER_CONTRACT_VERSION, silentLogger, type AdapterFactoryV1, type FlagAdapterFactory } from '../../src/kit';

/** Contract v2 is what built-ins implement; version 1 adapters keep loading, and the version decides how. */
const context = { providerName: 'p', configDir: '.', logger: silentLogger };
const repositories = [{ id: 'web', name: 'web', url: 'https://git.example/web', branches: [], commits: [] }];

let v1Product = 'OldGit';
const v1Devinfo: AdapterFactoryV1 = {
  name: 'old-git',
  version: '0.9.0',
  contractVersion: 1,
  optionsCodec: t.unknown,
  create: () => ({
    environments: [],
    produces: 'devinfo',
    get product() {
      return v1Product;
    },
    snapshot: () => Promise.reject(new Error('not flags')),
    snapshotDevinfo: async () => ((v1Product = 'OldGit 2.1'), { repositories }),
    watch: async (onChange: () => void) => onChange(),
  }),
};

const OwnKeys = t.type({ url: t.string, environments: t.array(t.partial({ namespace: t.string })) });
let created: unknown;
const v2Flags: FlagAdapterFactory<t.TypeOf<typeof OwnKeys>> = {
  name: 'new-flags',
  version: '2.0.0',
  contractVersion: ADAPTER_CONTRACT_VERSION,
  produces: 'flags',
  optionsCodec: OwnKeys,
  create: (options) => {
    created = options;
    return { environments: options.environments.map((e) => e.name), snapshot: () => Promise.resolve({ flags: [] }) };
  },
};

// Environments declared among the optional keys (t.partial) keep their own keys' types too: `create` reads `stage`.
const OptionalEnvironments = t.partial({ environments: t.array(t.partial({ stage: t.string })) });
let stages: (string | undefined)[] = [];
const v2OptionalEnvironments: FlagAdapterFactory<t.TypeOf<typeof OptionalEnvironments>> = {
  name: 'staged-flags',
  version: '2.0.0',
  contractVersion: ADAPTER_CONTRACT_VERSION,
  produces: 'flags',
  optionsCodec: OptionalEnvironments,
  create: (options) => {
    stages = options.environments.map((e) => e.stage);
    return { environments: options.environments.map((e) => e.name), snapshot: () => Promise.resolve({ flags: [] }) };
  },
};

describe('adapter contract versions', () => {
  it("types an environment's own keys whether the codec declares environments required or optional", () => {
    const entry = { name: 'p', adapter: 'staged-flags', environments: [{ name: 'prod', stage: 'live' }, { name: 'dev' }] };
    const decoded = decodeAdapterOptions(v2OptionalEnvironments, entry, 'providers[0]');
    assert.deepEqual(decoded.problems, []);
    createSource(v2OptionalEnvironments, decoded.options, context);
    assert.deepEqual(stages, ['live', undefined]);
  });

  it('reads a version 1 devinfo adapter through its snapshotDevinfo, as a devinfo source', async () => {
    const source = createSource(v1Devinfo, {}, context);
    assert.equal(source.produces, 'devinfo');
    assert.deepEqual(await source.source.snapshot(new AbortController().signal), { repositories });
  });

  it("keeps a version 1 devinfo adapter's product (read live, as a getter) and its watch", async () => {
    v1Product = 'OldGit';
    const { source } = createSource(v1Devinfo, {}, context);
    assert.equal(source.product, 'OldGit');
    await source.snapshot(new AbortController().signal);
    assert.equal(source.product, 'OldGit 2.1');
    let announced = 0;
    await source.watch!(() => announced++, new AbortController().signal, 1000);
    assert.equal(announced, 1);
  });

  it('hands a version 2 adapter its own keys with the shared fields the core decoded', () => {
    const entry = {
      name: 'p',
      adapter: 'new-flags',
      url: 'http://x',
      environments: [{ name: 'prod', type: 'production', namespace: 'ns' }, { name: 'dev' }],
    };
    const decoded = decodeAdapterOptions(v2Flags, entry, 'providers[0]');
    assert.deepEqual(decoded.problems, []);
    const source = createSource(v2Flags, decoded.options, context);
    assert.equal(source.produces, 'flags');
    assert.deepEqual(created, {
      url: 'http://x',
      name: 'p',
      adapter: 'new-flags',
      environments: [{ name: 'prod', type: 'production', namespace: 'ns' }, { name: 'dev' }],
    });
  });

  it('refuses a version 2 flag source without environments, since it would read nothing', () => {
    const decoded = decodeAdapterOptions(v2Flags, { name: 'p', adapter: 'new-flags', url: 'http://x' }, 'providers[0]');
    assert.deepEqual(decoded.problems, ['providers[0]: expected at least one environment']);
  });

  it('refuses a version 2 factory that does not say what it produces', () => {
    const { produces: _produces, ...unsaid } = v2Flags;
    assert.throws(
      () => assertAdapterFactory(unsaid, './x'),
      (error: unknown) => error instanceof AdapterLoadError && /missing produces/.test(error.message),
    );
  });
});
