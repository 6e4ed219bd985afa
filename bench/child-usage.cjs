// Preloaded (`node --require`) into every process the bench measures: at exit, writes the process's own CPU time
// and peak RSS (getrusage) to the file named by FLAGSYNC_BENCH_USAGE, so figures come from the kernel, not sampling.
const { writeFileSync } = require('node:fs');

const target = process.env.FLAGSYNC_BENCH_USAGE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ cpuMicros: usage.userCPUTime + usage.systemCPUTime, maxRssKb: usage.maxRSS }));
  });
}
