/**
 * What the pipeline did with one event job:
 * - `processed`: the event's state change committed, together with its event-log row;
 * - `ignored`: an event of an unknown type, kept in the event log;
 * - `duplicate`: the event log already holds it as processed, ignored or dead: nothing done;
 * - `dead`: it can never apply and is dead-lettered (returned by `reprocess`; `process` throws
 *   bullmq's UnrecoverableError instead, so the job is failed without retries).
 */
export type ProcessOutcome = 'processed' | 'ignored' | 'duplicate' | 'dead';
