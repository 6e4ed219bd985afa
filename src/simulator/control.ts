/** The simulator's own controls over HTTP (`/__sim/...`), for subprocess tests and adapter authors. */
import type { KindName } from '../jira/types';
import { DecodeError } from '../kit/decode';
import { decodeFault } from './faults';
import type { SimulatorState } from './state';
import type { SimResponse } from './types';

export function handleControl(state: SimulatorState, method: string, pathname: string, bodyText: string): SimResponse {
  const route = `${method} ${pathname.replace(/\/+$/, '')}`;
  const storeMatch = /^GET \/__sim\/store\/([^/]+)$/.exec(route);
  if (storeMatch !== null) {
    const handler = state.kinds.get(decodeURIComponent(storeMatch[1] ?? '') as KindName);
    return handler === undefined
      ? { status: 404, body: { error: `unknown kind ${storeMatch[1]}` } }
      : { status: 200, body: handler.stored() };
  }
  switch (route) {
    case 'GET /__sim/requests':
      return { status: 200, body: state.requests };
    case 'GET /__sim/transitions':
      return { status: 200, body: state.transitions };
    case 'DELETE /__sim/requests':
      state.requests.length = 0;
      return { status: 204 };
    case 'POST /__sim/faults': {
      let value: unknown;
      try {
        value = JSON.parse(bodyText);
      } catch {
        return { status: 400, body: { error: 'fault: body is not JSON' } };
      }
      try {
        state.faults.add(decodeFault(value));
        return { status: 204 };
      } catch (error) {
        if (error instanceof DecodeError) return { status: 400, body: { error: error.message } };
        throw error;
      }
    }
    case 'POST /__sim/expire-tokens':
      state.tokens.expireAll();
      return { status: 204 };
    case 'POST /__sim/reset':
      state.reset();
      return { status: 204 };
    default:
      return { status: 404, body: { error: `no simulator control ${route}` } };
  }
}
