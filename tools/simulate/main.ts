import { parseArgs } from 'node:util';
import { DEFAULT_EVENTS_API_PORT, DEFAULT_EVENTS_API_TOKEN, DEFAULT_URL, FORMATS, SimulationInput, UsageError } from './options.js';
import type { SimulationFormat } from './journey.js';
import { runSimulation } from './simulation.js';
import { formatSummary } from './summary.js';

const USAGE = `Plays realistic Flexport shipment journeys against the webhook endpoint.

Usage: npm run simulate -- [options]     (after npm run build; the script runs dist/tools/simulate/main.js)

  --url URL            webhook endpoint, or the deployment's base URL (default ${DEFAULT_URL})
  --secret S           signing secret (default: first of FLEXPORT_WEBHOOK_SECRETS, else the development secret)
  --shipments N        journeys to play (default 10)
  --format F           v2 | compact | mixed (default mixed); steps without a v2 type are always compact
  --shuffle            send in random order instead of Flexport's created_at order
  --duplicates RATIO   extra deliveries per event, e.g. 0.2 (default 0)
  --drop RATIO         share of the events never delivered by webhook, e.g. 0.2 (default 0); a simulated
                       Flexport Events API lists them, and the service is asked to reconcile the run
  --events-api-port N  where the simulated Events API listens (default ${DEFAULT_EVENTS_API_PORT}; 0: any free port);
                       served with --drop, or whenever this option is given
  --events-api-token T the bearer token it accepts (default ${DEFAULT_EVENTS_API_TOKEN})
  --admin-token T      token for POST /admin/reconcile (default: ADMIN_API_TOKEN, else the development token)
  --no-reconcile       do not ask the service to reconcile; --verify then waits for a run you start
  --rate PER_SECOND    deliveries started per second (default: no limit)
  --concurrency N      requests in flight at most (default 16)
  --retries N          retries after 429/502/503/504 or a network error (default 3)
  --verify             then poll the read API until the state matches the journeys
  --api-url URL        read API base (default: origin of --url)
  --api-token T        bearer token (default: API_TOKEN, else the development token)
  --timeout SECONDS    how long --verify waits (default 60)
  --seed N             replays a run exactly: same ids, bodies and order (default: random, printed)
  --no-progress        no progress output
  -h, --help

Exit code: 0 when every delivery was acknowledged and (with --verify) every entity matched;
1 otherwise; 2 for a usage error.`;

function parseCli(argv: string[]): SimulationInput | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      url: { type: 'string' },
      secret: { type: 'string' },
      shipments: { type: 'string' },
      format: { type: 'string' },
      shuffle: { type: 'boolean' },
      duplicates: { type: 'string' },
      drop: { type: 'string' },
      'events-api-port': { type: 'string' },
      'events-api-token': { type: 'string' },
      'admin-token': { type: 'string' },
      'no-reconcile': { type: 'boolean' },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      retries: { type: 'string' },
      verify: { type: 'boolean' },
      'api-url': { type: 'string' },
      'api-token': { type: 'string' },
      timeout: { type: 'string' },
      seed: { type: 'string' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const num = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed)) throw new UsageError(`--${name} is not a number: ${value}`);
    return parsed;
  };
  if (values.format !== undefined && !FORMATS.includes(values.format as SimulationFormat)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  }
  const timeout = num('timeout', values.timeout);
  const input: SimulationInput = {
    url: values.url,
    secret: values.secret,
    shipments: num('shipments', values.shipments),
    format: values.format as SimulationFormat | undefined,
    shuffle: values.shuffle,
    duplicates: num('duplicates', values.duplicates),
    drop: num('drop', values.drop),
    eventsApiPort: num('events-api-port', values['events-api-port']),
    eventsApiToken: values['events-api-token'],
    adminToken: values['admin-token'],
    reconcile: values['no-reconcile'] ? false : undefined,
    rate: num('rate', values.rate),
    concurrency: num('concurrency', values.concurrency),
    retries: num('retries', values.retries),
    verify: values.verify,
    apiUrl: values['api-url'],
    apiToken: values['api-token'],
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    seed: num('seed', values.seed),
    progress: values['no-progress'] ? 'none' : undefined,
  };
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

function usageError(error: unknown): number {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\nRun with --help for the options.\n`);
  return 2;
}

async function main(): Promise<number> {
  let input: SimulationInput | 'help';
  try {
    input = parseCli(process.argv.slice(2));
  } catch (error) {
    return usageError(error);
  }
  if (input === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const summary = await runSimulation(input);
    process.stdout.write(`${formatSummary(summary).join('\n')}\n`);
    return summary.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError) return usageError(error);
    throw error;
  }
}

process.exitCode = await main();
