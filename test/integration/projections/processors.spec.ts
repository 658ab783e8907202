import { getQueueToken } from '@nestjs/bullmq';
import { ConfigModule } from '@nestjs/config';
import { Test, TestingModule } from '@nestjs/testing';
import { Job, Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { BookingsModule } from '@app/bookings';
import { loadAppConfig } from '@app/config';
import { ContainersModule } from '@app/containers';
import { DatabaseModule } from '@app/database';
import { DocumentsModule } from '@app/documents';
import { classifyEnvelope, Envelope } from '@app/flexport';
import { InvoicesModule } from '@app/invoices';
import { ProcessingModule } from '@app/processing';
import { PurchaseOrdersModule } from '@app/purchase-orders';
import { CATEGORY_QUEUES, eventJobId, EventJobData, JobName, QueueModule } from '@app/queue';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import { fixtureBytes } from '../../support/fixtures.js';
import { deletePrefix } from '../../support/redis.js';

/** Queues a webhook body as intake would: on its category's queue, under its event id. */
async function enqueue(app: TestingModule, envelope: Envelope, jobId?: string): Promise<QueuedJob> {
  const eventId = String(envelope.id);
  const { type, category, name } = classifyEnvelope(envelope, eventId);
  const queue = app.get<Queue<EventJobData>>(getQueueToken(CATEGORY_QUEUES[category]), { strict: false });
  const data: EventJobData = { eventId, type, category, name, receivedAt: new Date().toISOString(), envelope };
  return { queue, job: await queue.add(JobName.Event, data, { jobId: jobId ?? eventJobId(eventId) }) };
}

interface QueuedJob {
  queue: Queue<EventJobData>;
  job: Job<EventJobData>;
}

async function finished({ queue, job }: QueuedJob): Promise<{ state: string; returnvalue: unknown; attemptsMade?: number }> {
  const deadline = Date.now() + 15000;
  for (;;) {
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') {
      const fresh = await queue.getJob(job.id!);
      return { state, returnvalue: fresh?.returnvalue, attemptsMade: fresh?.attemptsMade };
    }
    if (Date.now() > deadline) throw new Error(`job ${job.id} still ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const fixture = (path: string): Envelope => JSON.parse(fixtureBytes(path).toString('utf8')) as Envelope;

describe('domain processors consume their queues through the event pipeline (Postgres + Redis)', () => {
  let db: TestDatabase;
  let app: TestingModule;
  const prefix = `fw-test-domains-${randomBytes(4).toString('hex')}`;
  const query = (sql: string, parameters: unknown[] = []) => db.dataSource.query(sql, parameters);

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadAppConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, QUEUE_PREFIX: prefix, RUN_MIGRATIONS: 'false' });
    app = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => ({ app: config }) }),
        QueueModule.forRole('worker'),
        DatabaseModule,
        ProcessingModule,
        BookingsModule,
        PurchaseOrdersModule,
        InvoicesModule,
        DocumentsModule,
        ContainersModule,
      ],
    }).compile();
    app.useLogger(false);
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await deletePrefix(prefix);
  });

  const status = async (eventId: string) => (await query(`SELECT status FROM event_log WHERE event_id = $1`, [eventId]))[0]?.status;

  it('bookings: a booking.amended job updates the bookings table', async () => {
    const envelope = fixture('compact/booking-amended.json');
    expect(await finished(await enqueue(app, envelope))).toMatchObject({ state: 'completed', returnvalue: 'processed' });
    expect(await query(`SELECT id, shipment_id, status, details FROM bookings`)).toEqual([
      {
        id: 'BKG-88120',
        shipment_id: 'SHP-104233',
        status: 'amended',
        details: { cargo_ready_date: '2026-02-27', container_counts: { forty_ft_hc: 2 } },
      },
    ]);
    expect(await status(String(envelope.id))).toBe('processed');
  });

  it('purchase orders: a purchase_order.created job creates the purchase order', async () => {
    const envelope = fixture('compact/purchase-order-created.json');
    expect(await finished(await enqueue(app, envelope))).toMatchObject({ state: 'completed', returnvalue: 'processed' });
    const [row] = await query(`SELECT id, number, status, line_items, details FROM purchase_orders`);
    expect(row).toMatchObject({ id: 'PO-2026-0142', number: '4500018842', status: 'open', details: { buyer: 'Acme Home Goods' } });
    expect(row.line_items).toHaveLength(2);
  });

  it('invoices: a freight_invoice_ready job stores the amount exactly', async () => {
    const envelope = fixture('compact/invoice-freight-ready.json');
    expect(await finished(await enqueue(app, envelope))).toMatchObject({ state: 'completed', returnvalue: 'processed' });
    expect(await query(`SELECT id, kind, amount, currency, due_date::text AS due_date FROM invoices`)).toEqual([
      { id: 'gwdpaYrhTI-T1ljn1M7o7w', kind: 'freight_invoice', amount: '18422.07', currency: 'USD', due_date: '2026-04-24' },
    ]);
  });

  it('documents: a bill_of_lading_ready job records the document', async () => {
    const envelope = fixture('compact/document-bill-of-lading.json');
    expect(await finished(await enqueue(app, envelope))).toMatchObject({ state: 'completed', returnvalue: 'processed' });
    expect(await query(`SELECT id, shipment_id, document_type, file_name FROM documents`)).toEqual([
      { id: 'doc_7Kq2ZpX', shipment_id: 'SHP-104233', document_type: 'flexport_bill_of_lading', file_name: 'HBL-FLXT104233.pdf' },
    ]);
  });

  it('containers: a v2 loaded_on_board job marks the container loaded; a redelivery is a duplicate', async () => {
    const envelope = fixture('flexport-v2/container-loaded-on-board.json');
    expect(await finished(await enqueue(app, envelope))).toMatchObject({ state: 'completed', returnvalue: 'processed' });
    const before = await query(`SELECT * FROM containers`);
    expect(before).toEqual([expect.objectContaining({ container_number: 'MSKU7748201', status: 'loaded', shipment_id: '104233' })]);
    expect(await finished(await enqueue(app, envelope, 'redelivery-1'))).toMatchObject({ state: 'completed', returnvalue: 'duplicate' });
    expect(await query(`SELECT * FROM containers`)).toEqual(before);
  });

  it('an invoice whose amount is not a decimal string is dead-lettered, not retried', async () => {
    const envelope = { ...fixture('compact/invoice-freight-ready.json'), id: 'evt_bad_amount' } as Envelope;
    (envelope.data as Record<string, unknown>).amount = 18422.07;
    expect(await finished(await enqueue(app, envelope))).toMatchObject({ state: 'failed', attemptsMade: 1 });
    expect(await status('evt_bad_amount')).toBe('dead');
    expect(await query(`SELECT count(*)::int AS n FROM invoices WHERE amount <> '18422.07'`)).toEqual([{ n: 0 }]);
  });
});
