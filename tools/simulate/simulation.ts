import { renderJourneys } from './events.js';
import { planDeliveries } from './deliveries.js';
import { expectedStateFrom } from './expected-state.js';
import { generateJourneys } from './journey.js';
import { resolveOptions, SimulationInput } from './options.js';
import { createProgress } from './progress.js';
import { sendDeliveries } from './sender.js';
import type { Summary } from './summary.js';
import { verifyWorld } from './verifier.js';

/**
 * Plays the journeys against the service: generate, sign and send every delivery, then (with
 * `verify`) poll the read API until it shows the state README "Processing rules" gives the acknowledged events.
 */
export async function runSimulation(input: SimulationInput = {}): Promise<Summary> {
  const options = resolveOptions(input);
  const journeys = generateJourneys({ seed: options.seed, shipments: options.shipments, format: options.format, startAt: options.startAt });
  const events = renderJourneys(journeys);
  const deliveries = planDeliveries(events, { seed: options.seed, shuffle: options.shuffle, duplicates: options.duplicates });
  const log = (line: string) => {
    if (options.progress !== 'none') options.output.write(`${line}\n`);
  };
  log(`simulating ${options.shipments} shipments (seed ${options.seed}): ${deliveries.length} deliveries to ${options.url}`);

  const progress = createProgress(deliveries.length, options.progress, options.output);
  const started = performance.now();
  const tally = await sendDeliveries(deliveries, options, (t) => progress.update(t)).finally(() => progress.stop());
  const elapsedMs = performance.now() - started;

  const acknowledged = events.filter((event) => tally.acknowledgedIds.has(event.eventId));
  const verification = options.verify
    ? await verifyWorld(expectedStateFrom(acknowledged.map((event) => event.body)).world, {
        ...options,
        concurrency: Math.min(options.concurrency, 32),
        log,
      })
    : undefined;

  const { acknowledgedIds, ...counts } = tally;
  return {
    seed: options.seed,
    format: options.format,
    shipments: options.shipments,
    events: events.length,
    deliveries: deliveries.length,
    redeliveries: deliveries.length - events.length,
    ...counts,
    elapsedMs,
    throughput: tally.sent / Math.max(elapsedMs / 1000, 0.001),
    unacknowledgedEvents: events.length - acknowledgedIds.size,
    verification,
    ok: tally.non2xx === 0 && tally.errors === 0 && tally.quarantined === 0 && (verification?.ok ?? true),
  };
}
