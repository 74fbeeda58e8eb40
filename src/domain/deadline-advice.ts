/**
 * How a person gives a command more time, for the sentences of a network give-up: `--timeout` only
 * where the command takes it; the git and docker helpers take AZSESS_TIMEOUT alone.
 */
export const raiseTimeoutFlag = 'raise --timeout';
export const raiseTimeoutVariable = 'raise AZSESS_TIMEOUT (seconds, default 60)';
