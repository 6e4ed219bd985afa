import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';

/**
 * io-ts codecs for every body Jira (or its OAuth endpoint) answers with. Fields Jira documents but flagsync never
 * reads (errorTraceId, scope) are left out: io-ts interfaces tolerate extra keys.
 */

/** The token itself, decoded apart from its companions so that an odd expires_in never hides a good token. */
export const AccessTokenCodec = t.type({ access_token: t.string });

const toPositiveSeconds = (u: unknown): number | undefined => {
  const n = typeof u === 'string' && u.trim() !== '' ? Number(u) : u;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
};

/** A positive lifetime in seconds, as a number or a numeric string (RFC 6749 servers differ). */
const PositiveSeconds = new t.Type<number, number, unknown>(
  'positive seconds',
  (u): u is number => typeof u === 'number' && toPositiveSeconds(u) === u,
  (u, c) => {
    const seconds = toPositiveSeconds(u);
    return seconds === undefined ? t.failure(u, c) : t.success(seconds);
  },
  t.identity,
);
const ExpiresInCodec = t.type({ expires_in: PositiveSeconds });

/**
 * The token's lifetime in seconds; undefined when missing, unreadable or not positive. expires_in is standard but
 * unconfirmed for Atlassian; without it the token lives until a 401.
 */
export function expiresInOf(body: unknown): number | undefined {
  const decoded = ExpiresInCodec.decode(body);
  return isRight(decoded) ? decoded.right.expires_in : undefined;
}

const OAuthErrorCodec = t.intersection([t.type({ error: t.string }), t.partial({ error_description: t.string })]);

/** An OAuth error body as `error: description` (both parts tell something); other shapes as errorMessagesOf. */
export function oauthErrorText(body: unknown): string {
  const decoded = OAuthErrorCodec.decode(body);
  if (!isRight(decoded)) return errorMessagesOf(body).join('; ');
  const { error, error_description: description } = decoded.right;
  return description === undefined || description === error ? error : `${error}: ${description}`;
}

export const TenantInfoCodec = t.type({ cloudId: t.string });

export const ErrorMessageCodec = t.type({ message: t.string });
const ErrorMessagesCodec = t.readonlyArray(ErrorMessageCodec);

/** Flags, builds and deployments answer errors as an array; devinfo as an object; the proxy and OAuth differ again. */
const ErrorBodyCodec = t.union([
  ErrorMessagesCodec,
  t.type({ errorMessages: ErrorMessagesCodec }),
  t.type({ message: t.string }),
  t.intersection([t.type({ error: t.string }), t.partial({ error_description: t.string })]),
]);

// Array.isArray does not narrow readonly arrays.
const isMessageList = (value: unknown): value is readonly { message: string }[] => Array.isArray(value);

/** Jira's messages from an error body of any documented shape; [] when the body has none of them. */
export function errorMessagesOf(body: unknown): readonly string[] {
  const decoded = ErrorBodyCodec.decode(body);
  if (!isRight(decoded)) return typeof body === 'string' && body.trim() !== '' ? [body.trim().slice(0, 500)] : [];
  const value = decoded.right;
  if (isMessageList(value)) return value.map((m) => m.message);
  if ('errorMessages' in value) return value.errorMessages.map((m) => m.message);
  if ('message' in value) return [value.message];
  return [value.error_description ?? value.error];
}

/**
 * Jira lists an unknown key in `unknownIssueKeys` when it came in the deprecated `issueKeys` field and in
 * `unknownAssociations` when it came as an association (which is how flagsync sends them), so both are read.
 */
const UnknownKeys = t.partial({
  unknownIssueKeys: t.readonlyArray(t.string),
  unknownAssociations: t.readonlyArray(t.type({ associationType: t.string, values: t.readonlyArray(t.unknown) })),
});

/** Every unknown issue key (or issue id) an answer names, from both lists, without duplicates. */
export function unknownKeysOf(answer: t.TypeOf<typeof UnknownKeys>): string[] {
  const keys = new Set(answer.unknownIssueKeys ?? []);
  for (const association of answer.unknownAssociations ?? []) {
    if (association.associationType !== 'issueKeys' && association.associationType !== 'issueIdOrKeys') continue;
    for (const value of association.values) if (typeof value === 'string') keys.add(value);
  }
  return [...keys];
}

/** The service ids an answer lists as unknown (`unknownAssociations` of type serviceIdOrKeys: deployments). */
export function unknownServicesOf(answer: t.TypeOf<typeof UnknownKeys>): string[] {
  const services = new Set<string>();
  for (const association of answer.unknownAssociations ?? []) {
    if (association.associationType !== 'serviceIdOrKeys') continue;
    for (const value of association.values) if (typeof value === 'string') services.add(value);
  }
  return [...services];
}

export const FeatureFlagsResponseCodec = t.intersection([
  t.partial({
    acceptedFeatureFlags: t.readonlyArray(t.string),
    failedFeatureFlags: t.record(t.string, ErrorMessagesCodec),
  }),
  UnknownKeys,
]);

const BuildKeyCodec = t.type({ pipelineId: t.string, buildNumber: t.number });
export const BuildsResponseCodec = t.intersection([
  t.partial({
    acceptedBuilds: t.readonlyArray(BuildKeyCodec),
    rejectedBuilds: t.readonlyArray(t.type({ key: BuildKeyCodec, errors: ErrorMessagesCodec })),
  }),
  UnknownKeys,
]);

const DeploymentKeyCodec = t.type({ pipelineId: t.string, environmentId: t.string, deploymentSequenceNumber: t.number });
export const DeploymentsResponseCodec = t.intersection([
  t.partial({
    acceptedDeployments: t.readonlyArray(DeploymentKeyCodec),
    rejectedDeployments: t.readonlyArray(t.type({ key: DeploymentKeyCodec, errors: ErrorMessagesCodec })),
  }),
  UnknownKeys,
]);

const NestedErrorsCodec = t.readonlyArray(t.intersection([t.type({ id: t.string }), t.partial({ errorMessages: ErrorMessagesCodec })]));
export const DevinfoResponseCodec = t.intersection([
  t.partial({
    acceptedDevinfoEntities: t.record(
      t.string,
      t.partial({ commits: t.readonlyArray(t.string), branches: t.readonlyArray(t.string), pullRequests: t.readonlyArray(t.string) }),
    ),
    failedDevinfoEntities: t.record(
      t.string,
      t.partial({
        errorMessages: ErrorMessagesCodec,
        commits: NestedErrorsCodec,
        branches: NestedErrorsCodec,
        pullRequests: NestedErrorsCodec,
      }),
    ),
  }),
  UnknownKeys,
]);
export type DevinfoResponse = t.TypeOf<typeof DevinfoResponseCodec>;
