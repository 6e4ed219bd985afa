// The values `send build` and `send deployment` accept, apart from what prepares the events: the CLI declares the
// commands (and lists these in their help) at every start.

export const BUILD_STATES = ['pending', 'in_progress', 'successful', 'failed', 'cancelled', 'unknown'] as const;
export const DEPLOYMENT_STATES = ['pending', 'in_progress', 'successful', 'failed', 'cancelled', 'rolled_back', 'unknown'] as const;
export const DEPLOYMENT_ENVIRONMENT_TYPES = ['production', 'staging', 'testing', 'development', 'unmapped'] as const;
