/**
 * Open dead letters by reason, as /metrics reads them on every scrape. Answered from the partial
 * index `idx_dead_letters_open` (only entries not yet resolved), never by reading the whole table:
 * resolved entries, kept forever, cost a scrape nothing.
 */
export const OPEN_DEAD_LETTER_COUNTS_SQL = 'SELECT reason, count(*)::int AS n FROM dead_letters WHERE resolved_at IS NULL GROUP BY reason';
