/**
 * One failure aborts the others: runs `work` for every item at once, each given a signal that aborts when `outer`
 * aborts or when any item's work fails (a snapshot fails as a whole anyway, so the other reads need not run to
 * their end). Resolves with the results in the items' order. On a failure it rejects with the first one, and only
 * once every item's work has settled, so nothing the others started (a socket, an SDK client) outlives the call;
 * the rejections the abort itself caused are not reported.
 */
export async function allOrAbort<T, R>(
  items: readonly T[],
  work: (item: T, signal: AbortSignal) => Promise<R>,
  outer?: AbortSignal,
): Promise<R[]> {
  const inner = new AbortController();
  const stop = (): void => inner.abort(outer?.reason);
  if (outer?.aborted === true) stop();
  else outer?.addEventListener('abort', stop, { once: true });
  let failure: { readonly error: unknown } | undefined;
  try {
    const settled = await Promise.allSettled(
      items.map(async (item) => {
        try {
          return await work(item, inner.signal);
        } catch (error) {
          failure ??= { error };
          inner.abort(error);
          throw error;
        }
      }),
    );
    if (failure !== undefined) throw failure.error;
    return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
  } finally {
    outer?.removeEventListener('abort', stop);
  }
}
