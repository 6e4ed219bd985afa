/** Public face of the Jira DevOps client: one generic engine, one small description per entity kind. */
export { createJiraClient, JiraRequestError, DEFAULT_API_BASE_URL, DEFAULT_TOKEN_URL, type JiraClientDeps } from './client';
export { TokenProvider, TokenUnavailableError, type TokenProviderOptions } from './token';
export { featureFlagsKind } from './kinds/featureflags';
export { buildsKind, buildId } from './kinds/builds';
export { deploymentsKind, deploymentId } from './kinds/deployments';
export { devinfoKind } from './kinds/devinfo';
export { JiraAuthError } from './types';
export type {
  DeleteOutcome,
  EntityOutcome,
  JiraClient,
  JiraClientSettings,
  KindAddress,
  KindDescription,
  KindName,
  SubmitOptions,
  SubmitReport,
} from './types';
export type * from './payloads';
