/** `flagsync send`: one build or deployment from a pipeline, through the shared Jira client, with a spool for outages. */
export { ciDefaults, detectCi, type CiDefaults, type CiName, type ReadCiFile } from './ci-env';
export { prepareBuild, type BuildSendOptions, type CommonSendOptions, type SendContext } from './build-payload';
export { prepareDeployment, type DeploymentSendOptions } from './deployment-payload';
export { BUILD_STATES, DEPLOYMENT_ENVIRONMENT_TYPES, DEPLOYMENT_STATES } from './states';
export { deliver, eventId, type Delivery } from './deliver';
export { describeEvent, type PreparedEvent, type SendEvent } from './event';
export { countJunitFiles, countJunitXml, JunitError, type TestCounts } from './junit';
export { commitMessagesInRange, isGitRange, GitRangeError } from './git-range';
export { findIssueKeys } from './issue-keys';
export {
  drainSpool,
  refusesTheEvent,
  spoolEvent,
  spooledFiles,
  SpoolWriteError,
  REJECTED_FOLDER,
  UNLISTED_KEPT_MS,
  type DrainReport,
} from './spool';
export { spoolDirOf } from './spool-dir';
export { UsageError } from './usage-error';
