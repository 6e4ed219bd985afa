/**
 * Runs `work` over what `take` hands out, in order, with at most `concurrency` at once; `take` is called only when a
 * task is about to start (so items can be made just in time) and answers undefined when there is nothing left.
 * Stops taking once `shouldStop()` is true or a task throws; tasks already running finish. Rethrows the first error
 * after the running tasks have settled.
 */
export async function drainPool<T>(
  take: () => T | undefined,
  concurrency: number,
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<void> {
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && !shouldStop()) {
      const item = take();
      if (item === undefined) return;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(concurrency)) }, worker));
  if (failure !== undefined) throw failure.error;
}

/** `drainPool` over an array; resolves with the items never started. */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<T[]> {
  let next = 0;
  const take = () => (next < items.length ? { item: items[next++]! } : undefined);
  await drainPool(take, Math.min(concurrency, items.length), ({ item }) => work(item), shouldStop);
  return items.slice(next);
}
