/** Times leave the API as ISO-8601 UTC strings. */
export const iso = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);
