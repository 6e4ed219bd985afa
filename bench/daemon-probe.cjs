// Preloaded (`node --expose-gc --require`) into the daemon the daemon bench measures. On SIGUSR2 (sent by the bench
// when a run has finished) it appends one JSON line to FLAGSYNC_BENCH_MEMORY: the process's memory as the run left
// it, then heap and RSS after a full garbage collection (what the process still holds: a leak grows this).
const { appendFileSync } = require('node:fs');

const target = process.env.FLAGSYNC_BENCH_MEMORY;
if (target) {
  process.on('SIGUSR2', () => {
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
  });
}
