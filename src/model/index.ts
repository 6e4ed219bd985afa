export * from './issue-keys';
export * from './environment-type';
export * from './to-jira-flag';
export * from './devinfo-id';
export * from './date-time';
