/** Injected faults: consumed in injection order by the first requests that match them. */
import * as t from 'io-ts';
import { decodeOrThrow } from '../kit/decode';
import { jiraErrorBody } from './errors';
import type { Fault, SimResponse } from './types';

const PositiveInt = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 1, 'positive integer');
const NonNegative = t.refinement(t.number, (n) => n >= 0, 'non-negative number');
const HttpStatus = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 100 && n <= 599, 'HTTP status (100-599)');

/** Decodes a Fault sent to POST /__sim/faults. */
export const FaultCodec: t.Type<Fault, unknown, unknown> = t.intersection([
  t.partial({ method: t.string, path: t.string, times: PositiveInt }),
  t.union([
    t.intersection([
      t.type({ type: t.literal('status'), status: HttpStatus }),
      t.partial({ retryAfter: NonNegative, rateLimitReset: NonNegative, body: t.unknown }),
    ]),
    t.type({ type: t.literal('delay'), ms: NonNegative }),
    t.type({ type: t.literal('drop') }),
  ]),
]) as unknown as t.Type<Fault, unknown, unknown>;

export function decodeFault(value: unknown): Fault {
  return decodeOrThrow(FaultCodec, value, 'fault', { showValue: () => true });
}

interface Pending {
  readonly fault: Fault;
  remaining: number;
}

export class FaultQueue {
  private pending: Pending[] = [];

  add(fault: Fault): void {
    this.pending.push({ fault, remaining: fault.times ?? 1 });
  }

  /** The first pending fault matching the request, with one use consumed; undefined when none applies. */
  take(method: string, path: string): Fault | undefined {
    const index = this.pending.findIndex(
      ({ fault }) =>
        (fault.method === undefined || fault.method.toUpperCase() === method.toUpperCase()) &&
        (fault.path === undefined || path.includes(fault.path)),
    );
    const match = this.pending[index];
    if (match === undefined) return undefined;
    match.remaining -= 1;
    if (match.remaining <= 0) this.pending.splice(index, 1);
    return match.fault;
  }

  clear(): void {
    this.pending = [];
  }
}

/** The answer of a 'status' fault: the given body, or the error shape the faulted endpoint normally uses. */
export function statusFaultResponse(fault: Extract<Fault, { type: 'status' }>, path: string, now: number = Date.now()): SimResponse {
  // `now` is the simulator's clock (tests may set one), the same token expiry goes by.
  const headers = {
    ...(fault.retryAfter !== undefined && { 'Retry-After': String(fault.retryAfter) }),
    ...(fault.rateLimitReset !== undefined && { 'X-RateLimit-Reset': new Date(now + fault.rateLimitReset * 1000).toISOString() }),
  };
  const message = fault.status === 429 ? 'Rate limit exceeded' : `Simulated fault: HTTP ${fault.status}`;
  let body = fault.body;
  if (body === undefined) {
    if (path.startsWith('/oauth/')) body = { error: 'server_error', error_description: message };
    else if (path.startsWith('/jira/')) body = jiraErrorBody(path.startsWith('/jira/devinfo/') ? 'object' : 'array', [message]);
    else body = { code: fault.status, message };
  }
  return { status: fault.status, body, ...(Object.keys(headers).length > 0 && { headers }) };
}
