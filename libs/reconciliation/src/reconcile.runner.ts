import { Inject, Injectable } from '@nestjs/common';
import { classifyEnvelope } from '@app/flexport';
import { IntakeService, ListedEvent, readListedEvent } from '@app/intake';
import { EventCounter, EventMetrics } from '@app/observability';
import { FLEXPORT_EVENTS_CLIENT } from './flexport-events.provider.js';
import { KnownEvents } from './known-events.query.js';
import type { FlexportEventsClient } from './flexport-events.client.js';
import type { ReconcileCounts } from './reconcile-job.js';
import type { ReconcileWindow } from './reconcile-window.js';

export class ReconciliationDisabledError extends Error {
  override name = 'ReconciliationDisabledError';

  constructor() {
    super('reconciliation is off: set FLEXPORT_API_TOKEN, or FLEXPORT_CLIENT_ID and FLEXPORT_CLIENT_SECRET');
  }
}

type Outcome = 'known' | 'queued' | 'quarantined';

/**
 * One reconciliation run over a window: each page Flexport lists goes through the webhook's intake.
 * An event already in the event log (any status) is known: one query per page tells which. The
 * others go to the intake, whose seen marker decides: `queued` (with source `reconcile`), or
 * `duplicate` when a webhook or an earlier run already queued it, which is known too.
 */
@Injectable()
export class ReconcileRunner {
  constructor(
    @Inject(FLEXPORT_EVENTS_CLIENT) private readonly client: FlexportEventsClient | null,
    private readonly known: KnownEvents,
    private readonly intake: IntakeService,
    private readonly metrics: EventMetrics,
  ) {}

  /** Calls `onPage` with the counts so far after each page. Throws what the listing or the intake throws. */
  async run(window: ReconcileWindow, onPage: (counts: ReconcileCounts) => Promise<void>, signal?: AbortSignal): Promise<ReconcileCounts> {
    if (this.client === null) throw new ReconciliationDisabledError();
    const counts: ReconcileCounts = { listed: 0, alreadyKnown: 0, queued: 0, quarantined: 0, pages: 0 };
    for await (const page of this.client.pages(window, signal)) {
      const receivedAt = new Date().toISOString();
      const listed = page.events.map(readListedEvent);
      const inLog = await this.known.inEventLog(listed.flatMap((event) => (event.ok ? [event.eventId] : [])));
      const outcomes = await Promise.all(
        listed.map(async (event): Promise<Outcome> => {
          if (event.ok && inLog.has(event.eventId)) return 'known';
          const { status } = await this.intake.acceptListed(event, 'reconcile', receivedAt);
          return status === 'duplicate' ? 'known' : status;
        }),
      );
      listed.forEach((event, index) => this.count(event, outcomes[index], counts));
      counts.pages++;
      await onPage({ ...counts });
    }
    return counts;
  }

  private count(event: ListedEvent, outcome: Outcome, counts: ReconcileCounts): void {
    counts.listed++;
    if (outcome === 'known') counts.alreadyKnown++;
    else if (outcome === 'queued') counts.queued++;
    else counts.quarantined++;
    const category = event.ok ? classifyEnvelope(event.envelope, event.eventId).category : 'not_an_event';
    this.metrics.count(EventCounter.ReconcileListed, category);
    if (outcome === 'queued') this.metrics.count(EventCounter.ReconcileMissing, category);
  }
}
