/**
 * Node's fetch globals, which node defines as lazy getters: reading any of them loads undici, node's fetch
 * implementation (40–90 ms of CPU here).
 */
const FETCH_GLOBALS = ['fetch', 'Request', 'Response', 'Headers', 'FormData'] as const;

/**
 * axios, required without loading undici. At load axios probes `fetch`, `Request` and `Response` to set up its fetch
 * adapter, which flagsync never uses (its http adapter serves every request), and that probe alone made node load
 * undici. The globals are hidden for the synchronous `require` only and put back exactly as they were, so code that
 * uses fetch later still gets node's. `require`: tsx's CommonJS hook has no `import()` of packages here.
 */
export function loadAxios(): typeof import('axios') {
  const saved = FETCH_GLOBALS.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)] as const);
  for (const [name, descriptor] of saved)
    if (descriptor?.configurable === true)
      Object.defineProperty(globalThis, name, { value: undefined, configurable: true, writable: true });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('axios') as typeof import('axios');
  } finally {
    for (const [name, descriptor] of saved) if (descriptor?.configurable === true) Object.defineProperty(globalThis, name, descriptor);
  }
}
