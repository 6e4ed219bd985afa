import { Writable } from 'node:stream';
import type { MultiBar, SingleBar } from 'cli-progress';
import type { DevinfoSource, FlagSource, ProviderSource } from '../kit/contract';
import type { DevinfoReadContext } from '../kit/devinfo';
import type { JiraClient } from '../jira';
import type { ProviderRuntime } from '../reconcile/run';

/** What a sync reports while it works: each provider's read, then the entities sent to Jira. */
export interface SyncProgress {
  readStarted(provider: string): void;
  readDone(provider: string, outcome: { ok: boolean; ms: number; count?: number }): void;
  sendStarted(kind: string, total: number): void;
  sent(count: number): void;
  sendDone(): void;
}

/**
 * Progress on a terminal: a line per provider read, then a bar of entities sent with their rate (cli-progress).
 * `sink` is where pretty log lines go meanwhile, so they print above the bar instead of through it.
 */
export class TerminalProgress implements SyncProgress {
  private readonly bars: MultiBar;
  private bar: SingleBar | undefined;
  private started = 0;
  private done = 0;
  readonly sink: Writable;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    // cli-progress loads for a display on a terminal only; this module's wrappers are loaded by every run.
    // `require`: tsx's CommonJS hook has no `import()` of packages here.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MultiBar: Bars, Presets } = require('cli-progress') as typeof import('cli-progress');
    this.bars = new Bars(
      {
        stream,
        format: 'sending {kind} [{bar}] {value}/{total} | {rate}/s | eta {eta_formatted}',
        hideCursor: true,
        clearOnComplete: false,
        gracefulExit: false,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    this.sink = new Writable({
      write: (chunk: Buffer | string, _encoding, callback) => {
        const text = chunk.toString();
        if (this.bar === undefined) this.stream.write(text);
        else this.bars.log(text);
        callback();
      },
    });
  }

  readStarted(provider: string): void {
    this.stream.write(`reading ${provider} …\n`);
  }

  readDone(provider: string, outcome: { ok: boolean; ms: number; count?: number }): void {
    const what = outcome.ok ? (outcome.count === undefined ? 'read' : `${outcome.count} read`) : 'FAILED';
    this.stream.write(`reading ${provider}: ${what} (${(outcome.ms / 1000).toFixed(1)} s)\n`);
  }

  sendStarted(kind: string, total: number): void {
    this.started = Date.now();
    this.done = 0;
    this.bar = this.bars.create(total, 0, { kind, rate: '0' });
  }

  sent(count: number): void {
    this.done += count;
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    this.bar?.update(this.done, { rate: (this.done / seconds).toFixed(0) });
  }

  sendDone(): void {
    if (this.bar === undefined) return;
    this.bars.stop();
    this.bar = undefined;
  }
}

/**
 * The provider's source, reporting the start and end of its read. Everything else of the source is passed through
 * as it is (a `product` getter is read live; an unchanged-source check stays available).
 */
function observedSource(name: string, created: ProviderSource, progress: SyncProgress): ProviderSource {
  const timed = async <T>(read: () => Promise<T>, count: (value: T) => number | undefined): Promise<T> => {
    const started = Date.now();
    progress.readStarted(name);
    try {
      const value = await read();
      progress.readDone(name, { ok: true, ms: Date.now() - started, count: count(value) });
      return value;
    } catch (error) {
      progress.readDone(name, { ok: false, ms: Date.now() - started });
      throw error;
    }
  };
  const lengthOf = (list: unknown): number | undefined => (Array.isArray(list) ? list.length : undefined);
  if (created.produces === 'devinfo') {
    const source = created.source;
    const unlessUnchanged = source.snapshotUnlessUnchanged;
    const repositoryCount = (s: unknown): number | undefined => lengthOf((s as { repositories?: unknown } | undefined)?.repositories);
    const observed: DevinfoSource = Object.create(source, {
      snapshot: {
        value: (signal: AbortSignal, read?: DevinfoReadContext) => timed(() => source.snapshot(signal, read), repositoryCount),
      },
      ...(unlessUnchanged !== undefined && {
        snapshotUnlessUnchanged: {
          value: (signal: AbortSignal, accepted: string, read?: DevinfoReadContext) =>
            timed(() => unlessUnchanged.call(source, signal, accepted, read), repositoryCount),
        },
      }),
    }) as DevinfoSource;
    return { produces: 'devinfo', source: observed };
  }
  const source = created.source;
  const unlessUnchanged = source.snapshotUnlessUnchanged;
  const flagCount = (s: unknown): number | undefined => lengthOf((s as { flags?: unknown } | undefined)?.flags);
  const observed: FlagSource = Object.create(source, {
    snapshot: { value: (signal: AbortSignal) => timed(() => source.snapshot(signal), flagCount) },
    ...(unlessUnchanged !== undefined && {
      snapshotUnlessUnchanged: {
        value: (signal: AbortSignal, accepted: string) => timed(() => unlessUnchanged.call(source, signal, accepted), flagCount),
      },
    }),
  }) as FlagSource;
  return { produces: 'flags', source: observed };
}

export function observedProviders(providers: readonly ProviderRuntime[], progress: SyncProgress): ProviderRuntime[] {
  return providers.map((p) => ({ ...p, source: observedSource(p.name, p.source, progress) }));
}

/** The client, reporting each batch that lands. */
export function observedClient(client: JiraClient, progress: SyncProgress): JiraClient {
  return {
    ...client,
    async submit(kind, entities, options) {
      if (entities.length === 0) return client.submit(kind, entities, options);
      progress.sendStarted(kind.kind, entities.length);
      try {
        return await client.submit(kind, entities, {
          ...options,
          onBatch: async (outcomes) => {
            progress.sent(outcomes.length);
            await options?.onBatch?.(outcomes);
          },
        });
      } finally {
        progress.sendDone();
      }
    },
  };
}
