import * as assert from 'node:assert/strict';
import type { FlagSnapshot } from '../../../src/kit';
import { flagSourceFromEntry, type FixtureServer } from '../../../src/kit/testing';
import { FLIPT_TOKEN, fliptNamespaces, startFliptApi } from '../../../test/contract/sources/flipt-api';
import { adapter } from '..';

/** One malformed flag among good ones, served by the loopback Flipt API stand-in (the real Flipt never sends one). */
type Namespaces = Record<string, { flags: unknown[] }>;

const copy = (): Namespaces => JSON.parse(JSON.stringify(fliptNamespaces)) as Namespaces;

/** The namespaces with one flag's fields replaced in one namespace. */
function withFlag(namespace: string, key: string, change: Record<string, unknown>): Namespaces {
  const data = copy();
  const list = data[namespace]!.flags as Record<string, unknown>[];
  const index = list.findIndex((f) => f.key === key);
  list[index] = { ...list[index], ...change };
  return data;
}

async function snapshotFrom(namespaces: Namespaces): Promise<{ snapshot?: FlagSnapshot; error?: Error }> {
  let api: FixtureServer | undefined;
  try {
    api = await startFliptApi(namespaces);
    const source = flagSourceFromEntry(adapter, {
      name: 'flipt',
      url: api.url,
      token: FLIPT_TOKEN,
      pageSize: 2,
      environments: [{ name: 'production', namespace: 'prod', type: 'production' }, { name: 'staging' }],
    });
    return { snapshot: await source.snapshot(new AbortController().signal) };
  } catch (error) {
    return { error: error as Error };
  } finally {
    await api?.close();
  }
}

describe('flipt adapter: a malformed flag', () => {
  it('resolves with the good flags and lists the malformed one in skipped', async () => {
    const { snapshot, error } = await snapshotFrom(withFlag('prod', 'dark-mode', { enabled: 'yes' }));
    assert.equal(error, undefined);
    assert.deepEqual(
      snapshot!.flags.map((f) => f.key),
      ['new-checkout', 'search-ranking'],
    );
    assert.deepEqual(
      snapshot!.skipped?.map((s) => s.key),
      ['dark-mode'],
    );
  });

  it('names the environment and the field in the reason, never the value', async () => {
    const { snapshot } = await snapshotFrom(withFlag('prod', 'dark-mode', { enabled: 'secret-looking-value' }));
    const [skipped] = snapshot!.skipped!;
    assert.match(skipped!.reason, /^environment production: enabled: expected boolean/);
    assert.ok(!skipped!.reason.includes('secret-looking-value'));
  });

  it('skips a flag malformed in one namespace in every environment, listed once', async () => {
    const { snapshot } = await snapshotFrom(withFlag('staging', 'search-ranking', { defaultVariant: { name: 'no key' } }));
    assert.deepEqual(
      snapshot!.flags.map((f) => f.key),
      ['dark-mode', 'new-checkout'],
    );
    assert.deepEqual(snapshot!.skipped, [
      { key: 'search-ranking', reason: 'environment staging: defaultVariant: expected (a Flipt variant | undefined | null)' },
    ]);
  });

  it('lists a flag malformed in two namespaces once, with both reasons', async () => {
    const data = withFlag('staging', 'new-checkout', { enabled: null });
    (data.prod!.flags as Record<string, unknown>[]).find((f) => f.key === 'new-checkout')!.name = 7;
    const { snapshot } = await snapshotFrom(data);
    assert.equal(snapshot!.skipped?.length, 1);
    assert.match(snapshot!.skipped![0]!.reason, /^environment production: name: .*; environment staging: enabled: /);
  });

  it('has no skipped list when every flag is readable', async () => {
    const { snapshot } = await snapshotFrom(copy());
    assert.equal(snapshot!.skipped, undefined);
  });

  it('rejects when a flag has no readable key', async () => {
    const { error } = await snapshotFrom(withFlag('prod', 'dark-mode', { key: 42 }));
    assert.equal(error?.name, 'SourceError');
    assert.match(error!.message, /namespace "prod".*flags\[\d+\]: a flag without a readable key/);
  });

  it('rejects when the page itself is malformed', async () => {
    const data = copy();
    (data as Record<string, unknown>).staging = { flags: 'not a list' };
    const { error } = await snapshotFrom(data);
    assert.equal(error?.name, 'SourceError');
    assert.match(error!.message, /environment "staging".*flags: expected/);
  });
});
