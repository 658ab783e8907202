import { parseArgs } from 'node:util';
import { UsageError } from '../simulate/options.js';
import { AdminApiError } from './admin-reconcile.client.js';
import { DEFAULT_BASE_URL, ReconcileInput, resolveReconcileOptions } from './options.js';
import { formatReconcileOutcome, runReconcile } from './run-reconcile.js';

const USAGE = `Asks a running deployment to reconcile a window with Flexport's Events API: every event Flexport
lists with occurred_at in [from, to] that the service does not have is queued and processed.

Usage: npm run reconcile -- --from ISO --to ISO [options]   (after npm run build)

  --from, --to ISO      the occurred_at window, e.g. --from 2026-03-01T00:00:00Z --to 2026-03-03T00:00:00Z
  --url URL             the deployment's base URL (default ${DEFAULT_BASE_URL})
  --admin-token T       admin bearer token (default: ADMIN_API_TOKEN, else the development token)
  --timeout SECONDS     how long to wait for the run (default 3600); it goes on in the background after
  --no-wait             return once the run is accepted
  --no-progress         no progress output
  -h, --help

Exit code: 0 when the run succeeded (or, with --no-wait, was accepted); 1 when it failed, was refused
or is still running at the timeout; 2 for a usage error.`;

function parseCli(argv: string[]): ReconcileInput | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      url: { type: 'string' },
      'admin-token': { type: 'string' },
      timeout: { type: 'string' },
      'no-wait': { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout >= 0)) throw new UsageError(`--timeout is not a number of seconds: ${values.timeout}`);
  const input: ReconcileInput = {
    from: values.from,
    to: values.to,
    url: values.url,
    adminToken: values['admin-token'],
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    wait: values['no-wait'] ? false : undefined,
    progress: values['no-progress'] ? 'none' : undefined,
  };
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

async function main(): Promise<number> {
  let input: ReconcileInput | 'help';
  try {
    input = parseCli(process.argv.slice(2));
    if (input === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const outcome = await runReconcile(resolveReconcileOptions(input));
    process.stdout.write(`${formatReconcileOutcome(outcome).join('\n')}\n`);
    return outcome.ok ? 0 : 1;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof AdminApiError) {
      process.stderr.write(`${message}\n`);
      return 1;
    }
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      process.stderr.write(`${message}\nRun with --help for the options.\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main();
