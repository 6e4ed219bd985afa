/**
 * The Jira `properties` key flagsync puts on every request, valued with the provider's name, so everything one
 * provider sent can be found and deleted by property. Jira takes at most 5 properties per request, so config may
 * set 4 more.
 */
export const PROVIDER_PROPERTY = 'flagsyncProvider';
export const MAX_CONFIG_PROPERTIES = 4;
