import type { AdapterContext, ProviderSource } from '../kit/contract';
import type { AnyAdapterFactory } from '../kit/contract-v1';
import { createSourceHttp } from '../kit/source-http';

export type { ProviderSource } from '../kit/contract';

/**
 * One provider's source, typed by what it produces. Contract v2 factories say so themselves (`produces`); a
 * version 1 adapter is one object with a `produces` switch, whose devinfo read is `snapshotDevinfo`, so it is
 * wrapped here and nothing past this point knows contract versions.
 */
export type SourceContext = Omit<AdapterContext, 'http'> & { readonly http?: AdapterContext['http'] };

export function createSource<Options>(factory: AnyAdapterFactory<Options>, options: unknown, context: SourceContext): ProviderSource {
  const full: AdapterContext = { ...context, http: context.http ?? createSourceHttp() };
  if (factory.contractVersion === 2) {
    // The options were decoded by this factory's codec and merged by the config loader (config/adapter-options.ts).
    if (factory.produces === 'devinfo') return { produces: 'devinfo', source: factory.create(options as never, full) };
    return { produces: 'flags', source: factory.create(options as never, full) };
  }
  const { http: _http, ...v1Context } = full;
  const adapter = factory.create(options as Options, v1Context) as ReturnType<typeof factory.create> | undefined | null;
  if (typeof adapter !== 'object' || adapter === null) throw new Error(`create() returned ${String(adapter)}, not an adapter`);
  if (adapter.produces !== 'devinfo') return { produces: 'flags', source: adapter };
  const read = adapter.snapshotDevinfo;
  const { watch, close } = adapter;
  return {
    produces: 'devinfo',
    source: {
      snapshot: (signal, context) =>
        read === undefined ? Promise.reject(new Error('adapter does not implement snapshotDevinfo')) : read.call(adapter, signal, context),
      // Read live: a version 1 adapter's `product` may be a getter that a snapshot updates.
      get product() {
        return adapter.product;
      },
      ...(watch !== undefined && { watch: (onChange, signal, pollIntervalMs) => watch.call(adapter, onChange, signal, pollIntervalMs) }),
      ...(close !== undefined && { close: () => close.call(adapter) }),
    },
  };
}
