/** What the operator reads: plan and run summaries as text and JSON, built from the reconciler's plan and report. */
export { renderPlan } from './plan-text';
export { jsonPlan } from './plan-json';
export { flagUpdateIds, type CurrentFlags } from './plan-entries';
export { jsonRunSummary, renderRunSummary, runFinishedFields, providerStatus, type JsonProviderSummary } from './run-summary';
export { groupFailures, hintFor, type FailureGroup } from './failure-groups';
export { decodeStoredFlag, type StoredFlag } from './stored-flag';
export { readCurrentFlags } from './current-flags';
