import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

/** What one measured process cost: wall time from spawn to exit, CPU (user + system) and peak RSS. */
export interface ProcessCost {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssMb: number;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

const usagePreload = path.join(__dirname, 'child-usage.cjs');

/** Runs `node <nodeArgs> <args>` to its end, with the usage preload, and returns what it cost. */
export async function measureNode(nodeArgs: readonly string[], args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessCost> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flagsync-bench-usage-'));
  const usageFile = path.join(dir, 'usage.json');
  try {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', usagePreload, ...nodeArgs, ...args], {
      env: { ...process.env, ...env, FLAGSYNC_BENCH_USAGE: usageFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code ?? -1));
    });
    const wallMs = performance.now() - started;
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { cpuMicros: number; maxRssKb: number };
    return {
      wallMs,
      cpuMs: usage.cpuMicros / 1000,
      peakRssMb: usage.maxRssKb / 1024,
      exitCode,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
