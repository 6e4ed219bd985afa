import type { ErrorStyle, SimResponse } from './types';

/** Jira's error body: a JSON array of `{message}` (flags, builds, deployments) or devinfo's `{errorMessages}`. */
export function jiraErrorBody(style: ErrorStyle, messages: readonly string[]): unknown {
  const list = messages.map((message) => ({ message }));
  return style === 'array' ? list : { errorMessages: list };
}

export function jiraError(style: ErrorStyle, status: number, messages: readonly string[]): SimResponse {
  return { status, body: jiraErrorBody(style, messages) };
}

/** The api.atlassian.com proxy's own error shape (401, 403, 404 before a product API is reached). */
export function proxyError(status: number, message: string): SimResponse {
  return { status, body: { code: status, message } };
}
