import { strict as assert } from 'node:assert';
import { importEdges, moduleCycles, type ImportEdge } from './import-graph';

/**
 * The layering, checked on every import in the repository: adapters build on the kit's entry alone, the kit builds
 * on nothing of the host, the package entry exposes the kit only, and no two folders import each other.
 */
const edges = importEdges();
const show = (found: readonly ImportEdge[]) => found.map((e) => `${e.from} imports ${e.specifier} (${e.to})`);

const KIT_ENTRY = 'src/kit/index.ts';
const KIT_TESTING_ENTRY = 'src/kit/testing/index.ts';
const adapterOf = (file: string) => /^adapters\/([^/]+)\//.exec(file)?.[1];
const isAdapterTest = (file: string) => /^adapters\/[^/]+\/test\//.test(file);

describe('import rules', () => {
  it('finds the imports it checks (a sanity check of the reader itself)', () => {
    assert.ok(edges.some((e) => e.from === 'adapters/flipt/index.ts' && e.to === KIT_ENTRY));
    assert.ok(edges.some((e) => e.from.startsWith('src/adapter-host/registry') && e.to.startsWith('adapters/flagd/')));
    assert.ok(edges.length > 500, `only ${edges.length} imports read`);
  });

  it("built-in adapters import only their own folder and the kit's entry", () => {
    const bad = edges.filter((e) => {
      const adapter = adapterOf(e.from);
      if (adapter === undefined || isAdapterTest(e.from)) return false;
      return !e.to.startsWith(`adapters/${adapter}/`) && e.to !== KIT_ENTRY;
    });
    assert.deepEqual(show(bad), []);
  });

  it('the kit imports nothing outside itself (its test kit apart)', () => {
    const bad = edges.filter(
      (e) =>
        e.from.startsWith('src/kit/') &&
        !e.from.startsWith('src/kit/testing/') &&
        !(e.to.startsWith('src/kit/') && !e.to.startsWith('src/kit/testing/')),
    );
    assert.deepEqual(show(bad), []);
  });

  it('the package entry exports the kit and its test kit, no host internals', () => {
    const bad = edges.filter((e) => e.from === 'src/index.ts' && e.to !== KIT_ENTRY && e.to !== KIT_TESTING_ENTRY);
    assert.deepEqual(show(bad), []);
    assert.ok(edges.some((e) => e.from === 'src/index.ts' && e.to === KIT_ENTRY));
  });

  it('the core never imports tests or benchmarks, and reaches adapters only through the registry', () => {
    const bad = edges.filter(
      (e) =>
        e.from.startsWith('src/') &&
        (e.to.startsWith('test/') ||
          e.to.startsWith('bench/') ||
          (e.to.startsWith('adapters/') && !(e.from === 'src/adapter-host/registry.ts' && /^adapters\/[^/]+\/index\.ts$/.test(e.to)))),
    );
    assert.deepEqual(show(bad), []);
  });

  it('has no folder cycles', () => {
    assert.deepEqual(moduleCycles(edges), []);
  });
});
