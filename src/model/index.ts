export * from './flag';
export * from './codecs';
export * from './issue-keys';
export * from './environment-type';
export * from './to-jira-flag';
