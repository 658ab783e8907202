/** The one webhook secret every bench process is started with. */
export const BENCH_SECRET = 'whsec_bench_only';

/** A number of rounds or pairs: even, so that each side goes first as often as the other. */
export function evenRounds(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 2 || value % 2 !== 0)
    throw new Error(`${name} must be an even integer of at least 2, not ${process.env[name]}`);
  return value;
}

/** The service's processes as production runs them, on the bench's Redis, database and queue prefix. */
export function serviceEnv(redisUrl: string, queuePrefix: string, databaseUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    REDIS_URL: redisUrl,
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: queuePrefix,
    FLEXPORT_WEBHOOK_SECRETS: BENCH_SECRET,
    // Production wants credentials of 16 characters or more, all different.
    API_TOKEN: 'bench-read-api-token',
    ADMIN_API_TOKEN: 'bench-admin-api-token',
    ADMIN_PASSWORD: 'bench-admin-password',
    LOG_LEVEL: 'info',
  };
}
