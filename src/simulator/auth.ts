/**
 * OAuth 2.0 client credentials (2LO) as api.atlassian.com serves it: POST /oauth/token issues opaque bearer tokens
 * that expire after the configured lifetime, measured by the injected clock.
 */
import { randomBytes } from 'node:crypto';
import type { KindName } from '../jira/types';
import type { ResolvedOptions, SimResponse } from './types';

const SCOPE_NAMES: Record<KindName, string> = {
  featureflags: 'feature-flag-info',
  builds: 'build-info',
  deployments: 'deployment-info',
  devinfo: 'dev-info',
};

export class TokenIssuer {
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number,
  ) {}

  issue(): string {
    const token = randomBytes(32).toString('base64url');
    this.expiries.set(token, this.now() + this.ttlSeconds * 1000);
    return token;
  }

  isValid(token: string | undefined): boolean {
    if (token === undefined) return false;
    const expiry = this.expiries.get(token);
    return expiry !== undefined && this.now() < expiry;
  }

  expireAll(): void {
    this.expiries.clear();
  }
}

/** The bearer token of an Authorization header, if it has one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Token requests come as JSON (Atlassian's docs) or form-urlencoded (the Jenkins plugin); both are accepted. */
export function parseTokenBody(raw: string, contentType: string | undefined): Record<string, string> | undefined {
  const isForm = (contentType ?? '').toLowerCase().includes('application/x-www-form-urlencoded');
  if (isForm) return Object.fromEntries(new URLSearchParams(raw));
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') fields[key] = value;
    return fields;
  } catch {
    return undefined;
  }
}

/** What the request log keeps of a token request: never the client secret. */
export function redactTokenFields(fields: Record<string, string> | undefined): unknown {
  if (fields === undefined || !('client_secret' in fields)) return fields;
  return { ...fields, client_secret: '[REDACTED]' };
}

export function handleTokenRequest(fields: Record<string, string> | undefined, options: ResolvedOptions, issuer: TokenIssuer): SimResponse {
  if (fields === undefined) return { status: 400, body: { error: 'invalid_request', error_description: 'Malformed request body' } };
  if (fields['grant_type'] !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
  if (fields['client_id'] !== options.clientId || fields['client_secret'] !== options.clientSecret) {
    return { status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } };
  }
  const scope = [...options.permissions]
    .flatMap((kind) => ['read', 'write', 'delete'].map((verb) => `${verb}:${SCOPE_NAMES[kind]}:jira`))
    .join(' ');
  return {
    status: 200,
    body: { access_token: issuer.issue(), expires_in: options.tokenTtlSeconds, token_type: 'Bearer', scope },
    headers: { 'Cache-Control': 'no-store' },
  };
}
