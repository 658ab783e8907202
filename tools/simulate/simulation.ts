import { renderJourneys } from './events.js';
import { planDeliveries } from './deliveries.js';
import { pickDropped } from './drops.js';
import { expectedStateFrom } from './expected-state.js';
import { generateJourneys } from './journey.js';
import { resolveOptions, SimulationInput } from './options.js';
import { createProgress } from './progress.js';
import { reconcileRun } from './reconciliation-step.js';
import { sendDeliveries } from './sender.js';
import { eventsApiHint, serveSimulatedEventsApi } from './simulated-events-api.js';
import type { Summary } from './summary.js';
import { verifyWorld } from './verifier.js';

/**
 * Plays the journeys against the service: generate, sign and send every delivery, then (with
 * `verify`) poll the read API until it shows the state README "Processing rules" gives the events it
 * holds. With `drop`, a share of the events is never sent; a simulated Flexport Events API lists them,
 * the service is asked to reconcile the run's window, and the expected state includes them.
 */
export async function runSimulation(input: SimulationInput = {}): Promise<Summary> {
  const options = resolveOptions(input);
  const journeys = generateJourneys({ seed: options.seed, shipments: options.shipments, format: options.format, startAt: options.startAt });
  const events = renderJourneys(journeys);
  const dropped = pickDropped(events, options.drop, options.seed);
  const deliveries = planDeliveries(events, { seed: options.seed, shuffle: options.shuffle, duplicates: options.duplicates }).filter(
    (delivery) => !dropped.has(delivery.event.eventId),
  );
  const log = (line: string) => {
    if (options.progress !== 'none') options.output.write(`${line}\n`);
  };
  const eventsApi = options.serveEventsApi ? await serveSimulatedEventsApi(events, options) : undefined;
  try {
    if (eventsApi) eventsApiHint(eventsApi, options.eventsApiToken).forEach(log);
    log(
      `simulating ${options.shipments} shipments (seed ${options.seed}): ${deliveries.length} deliveries to ${options.url}` +
        (dropped.size > 0 ? `, ${dropped.size} events dropped (listed by the Events API only)` : ''),
    );

    const progress = createProgress(deliveries.length, options.progress, options.output);
    const started = performance.now();
    const tally = await sendDeliveries(deliveries, options, (t) => progress.update(t)).finally(() => progress.stop());
    const elapsedMs = performance.now() - started;

    const reconciliation = eventsApi && options.reconcile ? await reconcileRun(eventsApi, events, options, log) : undefined;
    // Reconciliation makes the service hold the dropped events too; events it refused stay out.
    const held = events.filter(
      (event) => tally.acknowledgedIds.has(event.eventId) || (eventsApi !== undefined && dropped.has(event.eventId)),
    );
    const verification = options.verify
      ? await verifyWorld(expectedStateFrom(held.map((event) => event.body)).world, {
          ...options,
          concurrency: Math.min(options.concurrency, 32),
          log,
        })
      : undefined;

    const { acknowledgedIds, ...counts } = tally;
    return {
      seed: options.seed,
      format: options.format,
      url: options.url,
      shipments: options.shipments,
      events: events.length,
      deliveries: deliveries.length,
      redeliveries: deliveries.length - (events.length - dropped.size),
      dropped: dropped.size,
      ...counts,
      elapsedMs,
      throughput: tally.sent / Math.max(elapsedMs / 1000, 0.001),
      unacknowledgedEvents: events.length - dropped.size - acknowledgedIds.size,
      eventsApi: eventsApi && {
        origin: eventsApi.origin,
        listings: eventsApi.requests.filter((r) => r.url.startsWith('/events')).length,
        tokenRequests: eventsApi.tokenRequests,
      },
      reconciliation,
      verification,
      ok:
        tally.non2xx === 0 &&
        tally.errors === 0 &&
        tally.quarantined === 0 &&
        (reconciliation === undefined || reconciliation.outcome?.ok === true) &&
        (verification?.ok ?? true),
    };
  } finally {
    await eventsApi?.close();
  }
}
