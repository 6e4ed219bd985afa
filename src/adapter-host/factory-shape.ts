import { SUPPORTED_CONTRACT_VERSIONS } from '../kit/contract';
import type { AnyAdapterFactory } from '../kit/contract-v1';

/**
 * Checks that a value (usually an external module's export) really is an AdapterFactory for this contract version,
 * before the core calls into it. An adapter written for another contract version is refused by name, not
 * half-run.
 */
export class AdapterLoadError extends Error {
  constructor(
    /** The adapter as written in config: a built-in name, an npm package or a local path. */
    readonly adapter: string,
    readonly problem: string,
    override readonly cause?: unknown,
  ) {
    super(`adapter ${adapter}: ${problem}`);
    this.name = 'AdapterLoadError';
  }
}

const isRecord = (u: unknown): u is Record<string, unknown> => (typeof u === 'object' || typeof u === 'function') && u !== null;

/** The first missing or malformed member of the factory, in the order an author writes them; undefined when sound. */
function shapeProblem(value: Record<string, unknown>): string | undefined {
  const codec = value['optionsCodec'];
  if (!isRecord(codec) || typeof codec['decode'] !== 'function') return 'missing optionsCodec';
  if (typeof value['create'] !== 'function') return 'missing create';
  if (typeof value['name'] !== 'string' || value['name'] === '') return 'missing name';
  if (typeof value['version'] !== 'string' || value['version'] === '') return 'missing version';
  if (typeof value['contractVersion'] !== 'number') return 'missing contractVersion';
  if (value['contractVersion'] === 2 && value['produces'] !== 'flags' && value['produces'] !== 'devinfo')
    return "missing produces ('flags' or 'devinfo')";
  return undefined;
}

const versions = SUPPORTED_CONTRACT_VERSIONS.join(' and ');

/** Throws AdapterLoadError unless `value` is an AdapterFactory for a supported contract version. */
export function assertAdapterFactory(value: unknown, adapter: string): AnyAdapterFactory {
  if (!isRecord(value)) throw new AdapterLoadError(adapter, 'module does not export an AdapterFactory (its export is not an object)');
  const problem = shapeProblem(value);
  if (problem !== undefined) throw new AdapterLoadError(adapter, `module does not export an AdapterFactory (${problem})`);
  if (!SUPPORTED_CONTRACT_VERSIONS.includes(value['contractVersion'] as number)) {
    throw new AdapterLoadError(
      adapter,
      `"${String(value['name'])}" ${String(value['version'])} implements adapter contract version ${String(value['contractVersion'])}; ` +
        `this flagsync supports versions ${versions} (use an adapter release for one of them, or upgrade flagsync)`,
    );
  }
  return value as unknown as AnyAdapterFactory;
}

/**
 * The factory a module exports: its named export `adapter` (every built-in's), else its default export, else the
 * module itself (`module.exports = factory`).
 */
export function factoryFromModule(mod: unknown, adapter: string): AnyAdapterFactory {
  if (!isRecord(mod)) throw new AdapterLoadError(adapter, 'module does not export an AdapterFactory (it exports nothing)');
  const candidates = ['adapter', 'default'].map((name) => mod[name]).filter(isRecord);
  // A transpiled ES module may nest its default one level deeper (`default.default`).
  const nested = candidates.flatMap((c) => (isRecord(c['default']) ? [c['default']] : []));
  const sound = [...candidates, ...nested, mod].find((c) => shapeProblem(c) === undefined);
  if (sound !== undefined) return assertAdapterFactory(sound, adapter);
  // The first export that looks like a factory is judged, so its author reads what it lacks.
  const first = candidates[0] ?? (['create', 'optionsCodec', 'contractVersion'].some((k) => k in mod) ? mod : undefined);
  if (first !== undefined) return assertAdapterFactory(first, adapter);
  throw new AdapterLoadError(adapter, 'module does not export an AdapterFactory (expected a default export or a named export `adapter`)');
}
