import * as t from 'io-ts';
import { createHash } from 'node:crypto';
import { SourceError, type AdapterFactoryV1, type SkippedFlag, type SourceAdapter } from '../../../src/kit';
import { pollForChanges } from '../../../src/kit/watch-poll';
import type { NormalizedFlag } from '../../../src/kit/flag';
import { startFixtureServer, type AdapterContractFixtures } from '../../../src/kit/testing';

/**
 * A tiny adapter over GET /flags (`{flags: [{key, on: {env: boolean}}]}`), sound by default, with switches that
 * each break one rule of the contract. The kit's own tests run it to prove every check can fail.
 */
export type Fault =
  | 'none'
  | 'swallows-outage'
  | 'ignores-abort'
  | 'wrong-provider'
  | 'unstable-ids'
  | 'bad-issue-key'
  | 'invalid-field'
  | 'leaks-token'
  | 'drops-bad-flag'
  | 'rejects-bad-flag'
  | 'announces-unchanged'
  | 'misses-change'
  | 'ignores-watch-abort';

const Options = t.type({ name: t.string, url: t.string, token: t.string, environments: t.array(t.type({ name: t.string })) });
const Flag = t.type({ key: t.string, on: t.record(t.string, t.boolean) });
const Body = t.type({ flags: t.array(t.unknown) });

/** A contract version 1 adapter: the kit judges v1 and v2 adapters alike. */
export function tinyAdapter(fault: Fault): AdapterFactoryV1<t.TypeOf<typeof Options>> {
  let calls = 0;
  return {
    name: `tiny-${fault}`,
    version: '0.0.1',
    contractVersion: 1,
    optionsCodec: Options,
    create(options, context) {
      const environments = options.environments.map((e) => e.name);
      const flagsDigest = async (signal?: AbortSignal) => {
        const res = await fetch(`${options.url}/flags`, { headers: { authorization: options.token }, ...(signal && { signal }) });
        return createHash('sha256')
          .update(await res.text())
          .digest('hex');
      };
      const watch: SourceAdapter['watch'] = async (onChange, signal, pollIntervalMs) => {
        if (fault === 'misses-change') return;
        if (fault === 'ignores-watch-abort') {
          let last = await flagsDigest();
          const timer = setInterval(() => {
            void flagsDigest().then(
              (now) => {
                if (now !== last) onChange();
                last = now;
              },
              () => undefined,
            );
          }, pollIntervalMs);
          timer.unref();
          return;
        }
        let polls = 0;
        await pollForChanges({
          intervalMs: pollIntervalMs,
          signal,
          onChange,
          logger: context.logger,
          what: options.url,
          // The fault under test: every poll looks like a new version.
          poll: async (s) => ({ version: fault === 'announces-unchanged' ? String(polls++) : await flagsDigest(s) }),
        });
      };
      return {
        environments,
        watch,
        async snapshot(signal) {
          calls++;
          let body: t.TypeOf<typeof Body>;
          const good: t.TypeOf<typeof Flag>[] = [];
          const skipped: SkippedFlag[] = [];
          try {
            const res = await fetch(`${options.url}/flags`, {
              headers: { authorization: options.token },
              ...(fault === 'ignores-abort' ? {} : { signal }),
            });
            if (!res.ok)
              throw new Error(
                `GET ${options.url}/flags answered ${res.status}${fault === 'leaks-token' ? ` for token ${options.token}` : ''}`,
              );
            const decoded = Body.decode(await res.json());
            if (decoded._tag === 'Left') throw new Error('bad body');
            body = decoded.right;
            for (const raw of body.flags) {
              const flag = Flag.decode(raw);
              if (flag._tag === 'Right') good.push(flag.right);
              else if (fault === 'rejects-bad-flag') throw new Error('bad flag');
              // The fault under test: the malformed flag vanishes instead of being listed.
              else if (fault !== 'drops-bad-flag')
                skipped.push({ key: String((raw as { key?: unknown }).key), reason: 'on: expected booleans' });
            }
          } catch (error) {
            if (fault === 'swallows-outage') return { flags: [] };
            throw new SourceError(context.providerName, (error as Error).message, error);
          }
          const flags = good.map((f): NormalizedFlag => ({
            provider: fault === 'wrong-provider' ? 'someone-else' : context.providerName,
            key: fault === 'unstable-ids' ? `${f.key}-${calls}` : f.key,
            tags: [],
            issueKeys: fault === 'bad-issue-key' ? ['see the wiki'] : [],
            url: `${options.url}/ui/${f.key}`,
            environments: environments.map((name) => ({ name, enabled: f.on[name] ?? false })),
          }));
          if (fault === 'invalid-field')
            return { flags: flags.map((f) => ({ ...f, environments: f.environments.map((e) => ({ ...e, enabled: 'yes' })) })) } as never;
          return skipped.length > 0 ? { flags, skipped } : { flags };
        },
      };
    },
  };
}

export const TINY_TOKEN = 'tiny-secret-token-99a1';

export const tinyFixtures: AdapterContractFixtures = {
  async start() {
    const flags: { key: string; on: Record<string, unknown> }[] = [
      { key: 'PROJ-3-dark-mode', on: { production: true, staging: false } },
      { key: 'plain', on: { production: false } },
    ];
    const server = await startFixtureServer((req) =>
      req.headers.authorization !== TINY_TOKEN ? { status: 401 } : req.path === '/flags' ? { body: { flags } } : undefined,
    );
    return {
      entry: { url: server.url, token: TINY_TOKEN, environments: [{ name: 'production' }, { name: 'staging' }] },
      fail: () => server.fail(),
      hang: () => server.hang(),
      change: () => {
        flags[0] = { key: 'PROJ-3-dark-mode', on: { production: false, staging: false } };
      },
      corruptOne: () => {
        flags[1] = { key: 'plain', on: { production: 'no' } };
        return { key: 'plain' };
      },
      close: () => server.close(),
    };
  },
  flagKeys: ['PROJ-3-dark-mode', 'plain'],
  issueKeys: { 'PROJ-3-dark-mode': ['PROJ-3'], plain: [] },
  environments: { production: 'production', staging: 'staging' },
  secrets: [TINY_TOKEN],
  timeoutMs: 1000,
  watchPollMs: 20,
  watchQuietMs: 300,
};
