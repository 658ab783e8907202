import { parseWindow } from '@app/reconciliation';
import { DEVELOPMENT_ADMIN_TOKEN, UsageError } from '../simulate/options.js';
import type { ReconcileOptions } from './run-reconcile.js';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:3000';

export type ReconcileInput = Partial<ReconcileOptions>;

/** Fills in defaults (the local development service) and rejects values that cannot work. */
export function resolveReconcileOptions(input: ReconcileInput, env: NodeJS.ProcessEnv = process.env): ReconcileOptions {
  const options: ReconcileOptions = {
    url: (input.url ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    adminToken: input.adminToken ?? (env.ADMIN_API_TOKEN?.trim() || DEVELOPMENT_ADMIN_TOKEN),
    from: input.from ?? '',
    to: input.to ?? '',
    wait: input.wait ?? true,
    timeoutMs: input.timeoutMs ?? 3_600_000,
    pollIntervalMs: input.pollIntervalMs ?? 1_000,
    progress: input.progress ?? 'auto',
    output: input.output ?? process.stdout,
  };
  if (!URL.canParse(options.url) || !/^https?:$/.test(new URL(options.url).protocol)) {
    throw new UsageError(`--url must be the deployment's http(s) base URL: ${options.url}`);
  }
  if (input.from === undefined || input.to === undefined) throw new UsageError('--from and --to are required');
  const window = parseWindow(options.from, options.to);
  if ('problem' in window) throw new UsageError(`--${window.problem}`);
  if (options.adminToken === '') throw new UsageError('--admin-token must not be empty');
  if (!(options.timeoutMs >= 0)) throw new UsageError('--timeout must be a number of seconds');
  return options;
}
