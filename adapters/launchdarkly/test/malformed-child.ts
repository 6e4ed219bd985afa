import pino from 'pino';
import { createSourceHttp } from '../../../src/kit';
import { createLaunchDarklySource } from '../index';
import type { LaunchDarklyOptions } from '../options';
import { startFakeRelay, type EnvironmentData } from './fake-relay';
import production from './fixtures/production.json';

/**
 * A program run as a child process by malformed-stream.test.ts: what the SDK throws outside any promise we hold (in
 * its stream event handler, or in its change tracking's promise) ends the process it runs in, so only a process of
 * its own can show it. It serves `production` plus `flags` from a Relay stand-in, runs a watch (sending `events`
 * once it started) or one snapshot, and prints JSON lines to stdout: the adapter's log lines (debug and up) and a last
 * `{"result": …}`, after a pause long enough for a crash from the SDK's promises to have happened.
 */
export const CHILD_SDK_KEY = 'sdk-5f1e-child-secret';

export interface ChildPlan {
  readonly mode: 'watch' | 'snapshot';
  readonly stream?: boolean;
  /** Flags added to the stream's (or poll's) first data set. */
  readonly flags?: Readonly<Record<string, unknown>>;
  /** Segments added to that data set. */
  readonly segments?: Readonly<Record<string, unknown>>;
  /** That data set as served, instead of `production` and the above (its `flags` or `segments` need not be maps). */
  readonly data?: { readonly flags?: unknown; readonly segments?: unknown };
  /** Events sent to the watch's stream once the watch started. */
  readonly events?: readonly { readonly event: 'put' | 'patch' | 'delete'; readonly data: unknown }[];
}

export interface ChildResult {
  readonly changes?: number;
  /** The keys of a snapshot's flags and skipped flags. */
  readonly flags?: readonly string[];
  readonly skipped?: readonly string[];
  readonly error?: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A pause that does not keep the program running once the rest is done. */
const deadline = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

async function main(plan: ChildPlan): Promise<ChildResult> {
  // Spread, not assigned: a key such as `__proto__` (an own property, as JSON.parse made it) stays a flag.
  const data = (plan.data ?? {
    flags: { ...production.flags, ...plan.flags },
    segments: { ...production.segments, ...plan.segments },
  }) as EnvironmentData;
  const relay = await startFakeRelay({ [CHILD_SDK_KEY]: data });
  const options: LaunchDarklyOptions = {
    name: 'ld',
    adapter: 'launchdarkly',
    baseUri: relay.url,
    stream: plan.stream ?? false,
    initTimeoutSeconds: 3,
    environments: [{ name: 'production', sdkKey: CHILD_SDK_KEY }],
  };
  const logger = pino({ level: 'debug' }, pino.destination({ fd: 1, sync: true }));
  const source = createLaunchDarklySource(options, { providerName: 'ld', configDir: '/tmp', logger, http: createSourceHttp() });
  const controller = new AbortController();
  try {
    if (plan.mode === 'snapshot') {
      const { flags, skipped } = await source.snapshot(controller.signal);
      await pause(300);
      return { flags: flags.map((f) => f.key), skipped: (skipped ?? []).map((s) => s.key) };
    }
    let changes = 0;
    let changed = () => {};
    const firstChange = new Promise<void>((resolve) => (changed = resolve));
    await source.watch!(
      () => {
        changes++;
        changed();
      },
      controller.signal,
      1000,
    );
    for (const { event, data: payload } of plan.events ?? []) relay.send(CHILD_SDK_KEY, event, payload);
    if ((plan.events ?? []).length > 0) await Promise.race([firstChange, deadline(3000)]);
    await pause(300);
    return { changes };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    controller.abort();
    await relay.close();
  }
}

// Run as a program only: the test imports the plan's types and the SDK key from here.
if (require.main === module) {
  void main(JSON.parse(process.argv[2] ?? '{}') as ChildPlan).then((result) => {
    process.stdout.write(`${JSON.stringify({ result })}\n`);
  });
}
