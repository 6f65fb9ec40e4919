/**
 * Asks the import route to answer the run's banner when it ends (RFC 7240 `Prefer: wait`), as the
 * monolith's controllers do: the specs that check a finished run's banner send it.
 */
export const WAIT_FOR_RESULT = { headers: { prefer: 'wait=600' } };
