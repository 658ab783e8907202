import { signatureHeaders } from '@app/flexport';

/** One webhook delivery, signed in advance so the load generator only writes bytes. */
export interface SignedEvent {
  eventId: string;
  type: string;
  /** The category the service should file it under ('unknown' for a type it does not support). */
  category: string;
  shipmentId: string;
  /** The milestone a milestone event records (cargo_ready … delivered), else null. */
  milestone: string | null;
  body: Buffer;
  headers: Record<string, string>;
}

export interface EventSetOptions {
  /** Events to build; every one has a distinct id. */
  count: number;
  secret: string;
  /** Distinguishes the ids of one set from another's (the intake keeps seen ids for days). */
  tag: string;
  seed?: number;
  /** How many shipments the events share: fewer means more contention on the same rows. */
  shipments?: number;
  minBytes?: number;
  maxBytes?: number;
}

/** mulberry32: small, fast and reproducible; the bench needs repeatable mixes, not cryptography. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Envelope = Record<string, unknown>;
interface Draft {
  envelope: Envelope;
  category: string;
  shipmentId: string;
  milestone?: string;
  filler: (envelope: Envelope, text: string) => void;
}

const MILESTONES = ['cargo_ready', 'departed', 'arrived', 'customs_cleared', 'delivered'] as const;
const PLACES = [
  { name: 'Port of Yantian', country: 'CN', city: 'Shenzhen', unlocode: 'CNYTN' },
  { name: 'Port of Los Angeles', country: 'US', city: 'Los Angeles', unlocode: 'USLAX' },
  { name: 'Port of Rotterdam', country: 'NL', city: 'Rotterdam', unlocode: 'NLRTM' },
  { name: 'Port of Singapore', country: 'SG', city: 'Singapore', unlocode: 'SGSIN' },
  { name: 'Port of Hamburg', country: 'DE', city: 'Hamburg', unlocode: 'DEHAM' },
];
const WORDS = 'lamps spring restock pallets cartons fragile handle with care consolidated lcl fcl reefer dry'.split(' ');

/**
 * The realistic mix of the bench and the reliability suite: weights per kind of event, in both
 * envelopes (compact JSON and Flexport API v2), shaped like test/fixtures.
 */
const MIX: ReadonlyArray<[number, (ctx: Ctx) => Draft]> = [
  [22, compactMilestone],
  [10, v2Milestone],
  [8, compactEta],
  [6, v2Eta],
  [9, compactBooking],
  [9, compactPurchaseOrder],
  [9, compactInvoice],
  [9, compactDocument],
  [8, compactContainer],
  [6, v2Container],
  [2, v2CustomsReleased],
  [2, v2Unknown],
];
const TOTAL_WEIGHT = MIX.reduce((sum, [weight]) => sum + weight, 0);

interface Ctx {
  random: () => number;
  index: number;
  tag: string;
  numericId: number;
  shipmentId: string;
  occurredAt: Date;
}

/** Builds `count` distinct, signed events of 0.5–1.5 KB in a mix of categories and both envelopes. */
export function buildEvents(options: EventSetOptions): SignedEvent[] {
  const { count, secret, tag } = options;
  const random = prng(options.seed ?? hashTag(tag));
  const shipments = options.shipments ?? Math.max(1, Math.ceil(count / 8));
  const minBytes = options.minBytes ?? 512;
  const maxBytes = options.maxBytes ?? 1536;
  // v2 ids are integers: a per-tag base (room for 100,000 events each) keeps sets apart in one database or prefix.
  const numericBase = 1_000_000_000 + (hashTag(tag) % 1_000_000) * 100_000;
  const events: SignedEvent[] = [];
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let index = 0; index < count; index++) {
    const shipmentNumber = Math.floor(random() * shipments);
    const ctx: Ctx = {
      random,
      index,
      tag,
      numericId: numericBase + index,
      shipmentId: `${200_000 + shipmentNumber}`,
      occurredAt: new Date(start + Math.floor(random() * 90 * 24 * 3600) * 1000),
    };
    const draft = pick(random)(ctx);
    const target = minBytes + Math.floor(random() * (maxBytes - minBytes + 1));
    const body = padTo(draft, target, random);
    if (body.length < minBytes || body.length > maxBytes) {
      throw new Error(`event ${index} (${String(draft.envelope.type)}) is ${body.length} bytes, outside ${minBytes}-${maxBytes}`);
    }
    events.push({
      eventId: String(draft.envelope.id),
      type: String(draft.envelope.type),
      category: draft.category,
      shipmentId: draft.shipmentId,
      milestone: draft.milestone ?? null,
      body,
      headers: { 'content-type': 'application/json', ...signatureHeaders(body, secret) },
    });
  }
  return events;
}

function pick(random: () => number): (ctx: Ctx) => Draft {
  let roll = random() * TOTAL_WEIGHT;
  for (const [weight, build] of MIX) {
    roll -= weight;
    if (roll < 0) return build;
  }
  return MIX[MIX.length - 1][1];
}

function hashTag(tag: string): number {
  let hash = 2166136261;
  for (let i = 0; i < tag.length; i++) hash = Math.imul(hash ^ tag.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** Fills a free-text field so that the serialised body is `target` bytes (or its bare size, if larger). */
function padTo(draft: Draft, target: number, random: () => number): Buffer {
  draft.filler(draft.envelope, '');
  const room = Math.max(0, target - Buffer.byteLength(JSON.stringify(draft.envelope)));
  const from = Math.floor(random() * (FILLER.length - room));
  draft.filler(draft.envelope, FILLER.slice(from, from + room));
  return Buffer.from(JSON.stringify(draft.envelope));
}

/** Plain ASCII words (nothing JSON must escape), so a slice of n characters adds exactly n bytes. */
const FILLER = (() => {
  const random = prng(7);
  let text = '';
  while (text.length < 8192) text += `${WORDS[Math.floor(random() * WORDS.length)]} `;
  return text;
})();

const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');
const plusDays = (date: Date, days: number) => new Date(date.getTime() + days * 86_400_000);
const place = (ctx: Ctx) => PLACES[Math.floor(ctx.random() * PLACES.length)];
const compactId = (ctx: Ctx) => `evt_${ctx.tag}_${ctx.index.toString(36).padStart(6, '0')}`;
const containerNumber = (ctx: Ctx) =>
  `MSKU${String(1_000_000 + (Number(ctx.shipmentId) % 9000) * 3 + Math.floor(ctx.random() * 3)).slice(-7)}`;
const shipmentRef = (ctx: Ctx) => `SHP-${ctx.shipmentId}`;

function compactEnvelope(ctx: Ctx, type: string, data: Record<string, unknown>): Envelope {
  return {
    id: compactId(ctx),
    type,
    created_at: iso(new Date(ctx.occurredAt.getTime() + 60_000)),
    data: { ...data, occurred_at: iso(ctx.occurredAt) },
  };
}

const compactNotes = (envelope: Envelope, text: string) => {
  (envelope.data as Record<string, unknown>).notes = text;
};

function compactMilestone(ctx: Ctx): Draft {
  const milestone = MILESTONES[Math.floor(ctx.random() * MILESTONES.length)];
  const where = place(ctx);
  const envelope = compactEnvelope(ctx, 'shipment.milestone', {
    shipment_id: shipmentRef(ctx),
    milestone,
    location: { name: where.name, country: where.country },
  });
  return { envelope, category: 'milestone', shipmentId: shipmentRef(ctx), milestone, filler: compactNotes };
}

function compactEta(ctx: Ctx): Draft {
  const envelope = compactEnvelope(ctx, 'shipment.eta_updated', {
    shipment_id: shipmentRef(ctx),
    estimated_departure: iso(plusDays(ctx.occurredAt, 3)),
    estimated_arrival: iso(plusDays(ctx.occurredAt, 21 + Math.floor(ctx.random() * 10))),
  });
  return { envelope, category: 'transit', shipmentId: shipmentRef(ctx), filler: compactNotes };
}

function compactBooking(ctx: Ctx): Draft {
  const amended = ctx.random() < 0.4;
  const envelope = compactEnvelope(ctx, amended ? 'booking.amended' : 'booking.confirmed', {
    booking_id: `BKG-${ctx.shipmentId}`,
    shipment_id: shipmentRef(ctx),
    cargo_ready_date: iso(plusDays(ctx.occurredAt, 7)).slice(0, 10),
    container_counts: { forty_ft_hc: 1 + Math.floor(ctx.random() * 3) },
  });
  return { envelope, category: 'booking', shipmentId: shipmentRef(ctx), filler: compactNotes };
}

function compactPurchaseOrder(ctx: Ctx): Draft {
  const roll = ctx.random();
  const type = roll < 0.5 ? 'purchase_order.created' : roll < 0.85 ? 'purchase_order.updated' : 'purchase_order.archived';
  const lines = 1 + Math.floor(ctx.random() * 3);
  const envelope = compactEnvelope(ctx, type, {
    purchase_order_id: `PO-${ctx.shipmentId}`,
    number: `45000${ctx.shipmentId}`,
    buyer: 'Acme Home Goods',
    seller: 'Shenzhen Bright Lighting Co.',
    line_items: Array.from({ length: lines }, (_, i) => ({
      line_item_number: i + 1,
      sku: `LMP-${3300 + i}`,
      units: 100 * (1 + Math.floor(ctx.random() * 20)),
      unit_cost: { amount: (1 + ctx.random() * 9).toFixed(2), currency_code: 'USD' },
    })),
  });
  return { envelope, category: 'purchase_order', shipmentId: shipmentRef(ctx), filler: compactNotes };
}

function compactInvoice(ctx: Ctx): Draft {
  const freight = ctx.random() < 0.5;
  const envelope = compactEnvelope(ctx, freight ? 'invoice.freight_invoice_ready' : 'invoice.created', {
    invoice_id: `inv_${ctx.shipmentId}_${freight ? 'f' : 'c'}`,
    shipment_id: shipmentRef(ctx),
    amount: (1000 + ctx.random() * 30000).toFixed(2),
    currency: 'USD',
    due_date: iso(plusDays(ctx.occurredAt, 30)).slice(0, 10),
  });
  return { envelope, category: 'invoice', shipmentId: shipmentRef(ctx), filler: compactNotes };
}

function compactDocument(ctx: Ctx): Draft {
  const bol = ctx.random() < 0.4;
  const documentId = `doc_${ctx.tag}_${ctx.index}`;
  const envelope = compactEnvelope(ctx, bol ? 'document.bill_of_lading_ready' : 'document.uploaded', {
    document_id: documentId,
    shipment_id: shipmentRef(ctx),
    document_type: bol ? 'flexport_bill_of_lading' : 'commercial_invoice',
    file_name: `${bol ? 'HBL' : 'CI'}-${ctx.shipmentId}.pdf`,
    url: `https://api.flexport.com/documents/${documentId}/download`,
  });
  return { envelope, category: 'document', shipmentId: shipmentRef(ctx), filler: compactNotes };
}

function compactContainer(ctx: Ctx): Draft {
  const where = place(ctx);
  const envelope = compactEnvelope(ctx, ctx.random() < 0.5 ? 'container.loaded' : 'container.unloaded', {
    container_number: containerNumber(ctx),
    shipment_id: shipmentRef(ctx),
    location: { name: where.name, country: where.country },
  });
  return { envelope, category: 'container', shipmentId: shipmentRef(ctx), filler: compactNotes };
}

function v2Envelope(ctx: Ctx, type: string, data: Record<string, unknown>): Envelope {
  return {
    _object: '/event',
    id: ctx.numericId,
    version: 2,
    created_at: new Date(ctx.occurredAt.getTime() + 60_000).toISOString(),
    occurred_at: ctx.occurredAt.toISOString(),
    type,
    data: { _object: '/shipment_event_data', ...data },
  };
}

const v2Shipment = (ctx: Ctx) => ({
  _object: '/shipment',
  id: Number(ctx.shipmentId),
  status: 'in_transit_to_arrival_port',
  transportation_mode: 'ocean',
  metadata: {},
});

const v2Location = (ctx: Ctx) => {
  const where = place(ctx);
  return {
    _object: '/shipment_node',
    place: {
      _object: '/place',
      name: where.name,
      address: { _object: '/address', city: where.city, country_code: where.country, unlocode: where.unlocode },
      details: [],
    },
    tags: ['port_of_loading'],
    terminal: null,
  };
};

const v2Filler = (envelope: Envelope, text: string) => {
  const data = envelope.data as Record<string, unknown>;
  (data.shipment as Record<string, unknown>).metadata = { notes: text };
};

function v2Leg(ctx: Ctx, dates: Record<string, string | null>): Record<string, unknown> {
  return {
    _object: '/shipment_leg',
    id: 9_000_000 + Number(ctx.shipmentId),
    ...dates,
    carrier_name: 'Maersk',
    transportation_mode: 'ocean',
    shipment: { _object: '/api/refs/object', id: Number(ctx.shipmentId), ref_type: '/shipment' },
  };
}

function v2Milestone(ctx: Ctx): Draft {
  const roll = ctx.random();
  const type = roll < 0.4 ? '/shipment_leg#departed' : roll < 0.8 ? '/shipment_leg#arrived' : '/shipment_leg#delivered';
  const envelope = v2Envelope(ctx, type, {
    resource: v2Leg(ctx, {
      estimated_departure_date: plusDays(ctx.occurredAt, -1).toISOString().replace('Z', '+00:00'),
      estimated_arrival_date: plusDays(ctx.occurredAt, 20).toISOString().replace('Z', '+00:00'),
    }),
    shipment: v2Shipment(ctx),
    location: v2Location(ctx),
    containers: [],
  });
  return { envelope, category: 'milestone', shipmentId: ctx.shipmentId, milestone: type.slice(type.indexOf('#') + 1), filler: v2Filler };
}

function v2Eta(ctx: Ctx): Draft {
  const arrival = ctx.random() < 0.7;
  const envelope = v2Envelope(
    ctx,
    arrival ? '/shipment_leg#updated_estimated_time_of_arrival' : '/shipment_leg#updated_estimated_time_of_departure',
    {
      resource: v2Leg(
        ctx,
        arrival
          ? { estimated_arrival_date: plusDays(ctx.occurredAt, 18).toISOString().replace('Z', '-07:00'), actual_arrival_date: null }
          : { estimated_departure_date: plusDays(ctx.occurredAt, 2).toISOString().replace('Z', '+08:00') },
      ),
      shipment: v2Shipment(ctx),
      location: null,
      containers: [],
    },
  );
  return { envelope, category: 'transit', shipmentId: ctx.shipmentId, filler: v2Filler };
}

function v2Container(ctx: Ctx): Draft {
  const loaded = ctx.random() < 0.5;
  const number = containerNumber(ctx);
  const envelope = v2Envelope(
    ctx,
    loaded ? '/ocean/shipment_container_leg#loaded_on_board' : '/ocean/shipment_container_leg#unloaded_off_board',
    {
      resource: {
        _object: '/ocean/shipment_container_leg',
        id: 550_000 + ctx.index,
        dates: { [loaded ? 'actual_loaded_on_board_date' : 'actual_unloaded_off_board_date']: ctx.occurredAt.toISOString() },
      },
      shipment: v2Shipment(ctx),
      location: v2Location(ctx),
      containers: [
        {
          _object: '/ocean/shipment_container',
          id: 77_000 + ctx.index,
          container_number: number,
          container_size: 'fourty_ft_hc',
          container_type: 'dry',
        },
      ],
    },
  );
  return { envelope, category: 'container', shipmentId: ctx.shipmentId, filler: v2Filler };
}

function v2CustomsReleased(ctx: Ctx): Draft {
  const envelope = v2Envelope(ctx, '/shipment#customs_entry_release_status_released', {
    resource: { _object: '/shipment', id: Number(ctx.shipmentId), status: 'arrival_port' },
    shipment: v2Shipment(ctx),
    location: null,
    containers: [],
  });
  return { envelope, category: 'milestone', shipmentId: ctx.shipmentId, milestone: 'customs_cleared', filler: v2Filler };
}

function v2Unknown(ctx: Ctx): Draft {
  const envelope = v2Envelope(ctx, '/shipment#hyperloop_transfer_delay', {
    resource: { _object: '/shipment', id: Number(ctx.shipmentId) },
    shipment: v2Shipment(ctx),
    location: null,
    containers: [],
  });
  return { envelope, category: 'unknown', shipmentId: ctx.shipmentId, filler: v2Filler };
}
