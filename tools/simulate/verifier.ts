import { setTimeout as sleep } from 'node:timers/promises';
import { EntityCheck, entityChecks, Mismatch } from './compare.js';
import type { ExpectedWorld } from './expected-world.js';
import { forEachPaced } from './pool.js';
import { ReadApiClient } from './read-api.js';

export interface VerifyOptions {
  apiUrl: string;
  apiToken: string;
  timeoutMs: number;
  pollIntervalMs: number;
  concurrency: number;
  /** One line per polling round that changed something. */
  log?: (line: string) => void;
}

export interface Verification {
  ok: boolean;
  entities: number;
  matched: number;
  rounds: number;
  elapsedMs: number;
  /** Every mismatch of the last round; empty when ok. An aborted round lists only what it checked. */
  mismatches: Mismatch[];
  /** Set when polling stopped early, e.g. the token was refused. */
  aborted?: string;
}

/**
 * Polls the read API until every expected entity matches or the timeout passes. Events are
 * processed asynchronously, so a missing or stale entity is retried; only 401/403 stop at once.
 */
export async function verifyWorld(world: ExpectedWorld, options: VerifyOptions): Promise<Verification> {
  const client = new ReadApiClient(options.apiUrl, options.apiToken);
  const checks = entityChecks(world);
  const started = performance.now();
  const deadline = started + options.timeoutMs;
  let pending = checks;
  let mismatches = new Map<EntityCheck, Mismatch[]>();
  let rounds = 0;
  let aborted: string | undefined;
  for (;;) {
    rounds++;
    mismatches = new Map();
    const unchecked = new Set(pending);
    await forEachPaced(pending, { concurrency: options.concurrency, rate: 0 }, async (check) => {
      if (aborted) return;
      unchecked.delete(check);
      const found = await inspect(client, check);
      if (found.length > 0) mismatches.set(check, found);
      if (found.some((mismatch) => mismatch.field === 'http' && (mismatch.actual === 401 || mismatch.actual === 403))) {
        aborted ??= `the read API refused the token (HTTP ${String(found[0].actual)}): check --api-token / API_TOKEN`;
      }
    });
    const stillPending = pending.filter((check) => mismatches.has(check) || unchecked.has(check));
    if (stillPending.length !== pending.length || rounds === 1) {
      options.log?.(`verify: ${checks.length - stillPending.length}/${checks.length} entities match`);
    }
    pending = stillPending;
    if (pending.length === 0 || aborted || performance.now() + options.pollIntervalMs > deadline) break;
    await sleep(options.pollIntervalMs);
  }
  return {
    ok: pending.length === 0,
    entities: checks.length,
    matched: checks.length - pending.length,
    rounds,
    elapsedMs: performance.now() - started,
    mismatches: pending.flatMap((check) => mismatches.get(check) ?? []),
    ...(aborted ? { aborted } : {}),
  };
}

async function inspect(client: ReadApiClient, check: EntityCheck): Promise<Mismatch[]> {
  const answer = await client.get(check.path);
  const problem = (actual: unknown): Mismatch[] => [{ entity: check.entity, id: check.id, field: 'http', expected: 200, actual }];
  if (answer.status === null) return problem(answer.error ?? 'no answer');
  if (answer.status === 404) return [{ entity: check.entity, id: check.id, field: 'presence', expected: 'found', actual: 'HTTP 404' }];
  if (answer.status !== 200) return problem(answer.status);
  if (typeof answer.body !== 'object' || answer.body === null || Array.isArray(answer.body)) {
    return [{ entity: check.entity, id: check.id, field: 'body', expected: 'a JSON object', actual: answer.body }];
  }
  return check.compare(answer.body as Record<string, unknown>);
}
