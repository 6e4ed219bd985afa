/**
 * Runs work one at a time, in the order it was asked for. The daemon's ticks and watch syncs take turns here before
 * the writer lock: polling the lock alone favours whoever asks again first, so a provider whose source changes faster
 * than it syncs would take the lock back the moment it let go, ahead of a tick (or another provider) already waiting.
 */
export function takingTurns(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const mine = last.then(work, work);
    // A turn that fails hands over all the same.
    last = mine.catch(() => undefined);
    return mine;
  };
}
