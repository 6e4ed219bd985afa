import * as os from 'node:os';
import type { LockHolder } from './types';

/** This process as a lock holder and run author; in Kubernetes the host name is the pod's name. */
export function thisProcess(now: Date = new Date()): LockHolder {
  return { host: os.hostname(), pid: process.pid, since: now.toISOString() };
}

export function replicaName(holder: LockHolder): string {
  return `${holder.host}:${holder.pid}`;
}

export function describeHolder(holder: LockHolder | undefined): string {
  return holder === undefined ? 'another run (holder unknown)' : `pid ${holder.pid} on host ${holder.host} since ${holder.since}`;
}
