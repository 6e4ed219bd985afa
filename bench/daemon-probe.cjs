// Preloaded (`node --expose-gc --require`) into the daemon the daemon bench measures. On SIGUSR2 (sent by the bench
// when a run has finished) it appends one JSON line to FLAGSYNC_BENCH_MEMORY: the process's memory as the run left
// it, then heap and RSS after a full garbage collection (what the process still holds: a leak grows this). With
// FLAGSYNC_BENCH_HEAP_SNAPSHOTS=DIR:N,M it also writes DIR/cycle-N.heapsnapshot after cycles N and M (heap-diff.cjs
// compares two), after the sample, since writing a snapshot costs memory of its own.
const { appendFileSync } = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');

const target = process.env.FLAGSYNC_BENCH_MEMORY;
const [snapshotDir, snapshotCycles] = (process.env.FLAGSYNC_BENCH_HEAP_SNAPSHOTS ?? '').split(':');
const snapshotAt = new Set(
  (snapshotCycles ?? '')
    .split(',')
    .filter((c) => c !== '')
    .map(Number),
);
let cycle = 0;
if (target) {
  process.on('SIGUSR2', () => {
    cycle++;
    const before = process.memoryUsage();
    global.gc?.();
    const after = process.memoryUsage();
    const line = {
      at: Date.now(),
      rss: before.rss,
      heapUsed: before.heapUsed,
      external: before.external,
      rssAfterGc: after.rss,
      heapAfterGc: after.heapUsed,
      heapTotalAfterGc: after.heapTotal,
      externalAfterGc: after.external,
      arrayBuffersAfterGc: after.arrayBuffers,
    };
    appendFileSync(target, `${JSON.stringify(line)}\n`);
    if (snapshotDir && snapshotAt.has(cycle)) v8.writeHeapSnapshot(path.join(snapshotDir, `cycle-${cycle}.heapsnapshot`));
  });
}
