import type { DeploymentAssociation, DeploymentEnvironmentType, JiraDeployment } from '../jira/payloads';
import { defaultEnvironmentType } from '../model/environment-type';
import type { CommonSendOptions, SendContext } from './build-payload';
import type { PreparedEvent } from './event';
import { MAX_ISSUE_KEYS as MAX_ASSOCIATION_VALUES } from '../model/issue-keys';
import { findIssueKeys } from './issue-keys';
import { UsageProblems } from './usage-error';
import { clip, httpUrl, isoTime, list, maxLength, oneOf, required, wholeNumber } from './values';
import { DEPLOYMENT_ENVIRONMENT_TYPES, DEPLOYMENT_STATES } from './states';

export interface DeploymentSendOptions extends CommonSendOptions {
  readonly pipelineName?: string;
  readonly pipelineUrl?: string;
  readonly environment?: string;
  readonly environmentName?: string;
  readonly environmentType?: string;
  readonly sequence?: string;
  readonly duration?: string;
  readonly serviceKeys?: string;
}

const ciHint = (ctx: SendContext) => (ctx.ci === undefined ? '' : ` (not set by ${ctx.ci.ci} either)`);

/**
 * GitLab's tiers and the usual names map onto Jira's types; anything else is `unmapped`, never guessed wrong. The CI's
 * tier is that of the CI's environment: an environment named on the command line is typed by its name (or
 * --environment-type), never by the tier of another.
 */
function environmentType(options: DeploymentSendOptions, ctx: SendContext, name: string): DeploymentEnvironmentType {
  // --environment-name only names the CI's environment for people: it stays the CI's, with its tier.
  const ciEnvironment = options.environment === undefined;
  const given = options.environmentType ?? (ciEnvironment ? ctx.ci?.environmentType : undefined);
  if (given === undefined) return defaultEnvironmentType(name) ?? 'unmapped';
  if (options.environmentType === undefined && given === 'other') return 'unmapped';
  return oneOf(given, '--environment-type', DEPLOYMENT_ENVIRONMENT_TYPES);
}

export async function prepareDeployment(options: DeploymentSendOptions, ctx: SendContext): Promise<PreparedEvent> {
  const ci = ctx.ci;
  const problems = new UsageProblems();
  const pipelineId = problems.take(() =>
    maxLength(required(options.pipelineId ?? ci?.pipelineId, '--pipeline-id', ciHint(ctx)), '--pipeline-id'),
  );
  const environmentId = problems.take(() =>
    maxLength(required(options.environment ?? ci?.environment, '--environment', ciHint(ctx)), '--environment'),
  );
  // In CI the build number is the natural deployment sequence: unique and increasing within a pipeline.
  const sequence = problems.take(() => wholeNumber(required(options.sequence ?? ci?.buildNumber, '--sequence', ciHint(ctx)), '--sequence'));
  const state = problems.take(() =>
    oneOf(required(options.state, '--state', ` (one of ${DEPLOYMENT_STATES.join(', ')})`), '--state', DEPLOYMENT_STATES),
  );
  const url = problems.take(() => httpUrl(required(options.url ?? ci?.url, '--url', ciHint(ctx)), '--url'));
  const givenPipelineUrl = options.pipelineUrl ?? ci?.pipelineUrl;
  const pipelineUrl = givenPipelineUrl === undefined ? url : problems.take(() => httpUrl(givenPipelineUrl, '--pipeline-url'));
  const environmentName = clip(options.environmentName ?? environmentId ?? '');
  const type = problems.take(() => environmentType(options, ctx, environmentName));
  const services = problems.take(() => [...new Set(list(options.serviceKeys).map((s) => maxLength(s, '--service-keys')))]);
  const duration = options.duration === undefined ? undefined : problems.take(() => wholeNumber(options.duration!, '--duration'));
  const lastUpdated =
    options.lastUpdated === undefined
      ? new Date(ctx.now).toISOString()
      : problems.take(() => isoTime(options.lastUpdated!, '--last-updated'));
  const keys = await problems.takeAsync(() =>
    findIssueKeys({
      explicit: list(options.issueKeys),
      branch: options.branch ?? ci?.branch,
      title: ci?.title,
      commits: options.commits,
      cwd: options.repo ?? ctx.cwd,
    }),
  );
  problems.done();
  const pipelineName = clip(options.pipelineName ?? ci?.pipelineName ?? pipelineId!);
  const displayName = clip(options.displayName ?? `${pipelineName} #${sequence} to ${environmentName}`);
  // Jira caps the values of all association types of one deployment TOGETHER at 500: the services given
  // explicitly stay, the issue keys fill the rest.
  const serviceValues = services!.slice(0, MAX_ASSOCIATION_VALUES);
  const issueValues = keys!.keys.slice(0, MAX_ASSOCIATION_VALUES - serviceValues.length);
  const dropped = keys!.found + services!.length - issueValues.length - serviceValues.length;
  const warnings: string[] = [...keys!.warnings];
  if (dropped > 0 && services!.length === 0)
    warnings.push(`${keys!.found} issue keys found, only the first ${issueValues.length} sent (Jira's limit)`);
  else if (dropped > 0)
    warnings.push(
      `deployment "${displayName}": ${keys!.found} issue keys and ${services!.length} services exceed Jira's ${MAX_ASSOCIATION_VALUES} association values; ${dropped} left out (${issueValues.length} issue keys and ${serviceValues.length} services sent)`,
    );
  const associations: DeploymentAssociation[] = [];
  if (issueValues.length > 0) associations.push({ associationType: 'issueIdOrKeys', values: issueValues });
  if (serviceValues.length > 0) associations.push({ associationType: 'serviceIdOrKeys', values: serviceValues });
  const label = options.label ?? ci?.label;
  const deployment: JiraDeployment = {
    schemaVersion: '1.0',
    deploymentSequenceNumber: sequence!,
    updateSequenceNumber: ctx.now,
    displayName,
    url: url!,
    description: clip(options.description ?? `Deployment ${sequence} of ${pipelineName} to ${environmentName}`),
    ...(label !== undefined && { label: clip(label) }),
    ...(duration !== undefined && { duration }),
    lastUpdated: lastUpdated!,
    state: state!,
    pipeline: { id: pipelineId!, displayName: pipelineName, url: pipelineUrl! },
    environment: { id: environmentId!, displayName: environmentName, type: type! },
    ...(associations.length > 0 && { associations }),
  };
  return { event: { kind: 'deployments', entity: deployment }, issueKeys: issueValues, warnings };
}
