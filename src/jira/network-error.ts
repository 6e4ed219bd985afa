import type { AxiosError } from 'axios';

/** What axios's own `isAxiosError` checks, without loading axios to ask (it loads at the first request). */
export function isAxiosError(error: unknown): error is AxiosError {
  return typeof error === 'object' && error !== null && (error as { isAxiosError?: unknown }).isAxiosError === true;
}

/**
 * A short reason for a failed request, from the error's code and message only: an axios error also carries the
 * request config (headers with the bearer token, the token request body with the client secret), never shown.
 */
export function describeNetworkError(error: unknown): string {
  if (isAxiosError(error)) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') return `timed out (${error.message})`;
    return error.code === undefined ? error.message : `${error.code}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
