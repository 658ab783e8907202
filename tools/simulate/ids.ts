import { mix32, Random } from './random.js';

/**
 * Every numeric id of a run is `run · 2^24 + journey · 2^7 + k`: unique inside the run by
 * construction, and distinct from another run's unless both drew the same 18-bit run number.
 * The largest value (2^42) stays far below Number.MAX_SAFE_INTEGER.
 */
const IDS_PER_JOURNEY = 2 ** 7;
const IDS_PER_RUN = 2 ** 24;
const RUN_NUMBERS = 2 ** 18;
export const MAX_SHIPMENTS = 100_000;

export function runNumberOf(seed: number): number {
  return (mix32(seed, 0x5eed) % (RUN_NUMBERS - 1)) + 1;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function encode(value: number, alphabet: string, width: number): string {
  let text = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    text = alphabet[rest % alphabet.length] + text;
    rest = Math.floor(rest / alphabet.length);
  }
  if (rest !== 0) throw new Error(`${value} does not fit in ${width} digits`);
  return text;
}

/** The ids one journey hands out. */
export class JourneyIds {
  private used = 0;

  constructor(
    private readonly run: number,
    private readonly journey: number,
    private readonly rng: Random,
  ) {
    if (journey >= MAX_SHIPMENTS) throw new Error(`at most ${MAX_SHIPMENTS} shipments per run`);
  }

  /** A run-unique integer, used as Flexport uses integers: shipments, legs, bookings, v2 event ids. */
  serial(): number {
    if (this.used >= IDS_PER_JOURNEY) throw new Error('a journey used more ids than its block holds');
    return this.run * IDS_PER_RUN + this.journey * IDS_PER_JOURNEY + this.used++;
  }

  /** A ULID-shaped compact event id (`evt_` + 26 Crockford characters) stamped with `createdAt`. */
  eventId(createdAtMs: number): string {
    return `evt_${encode(createdAtMs, CROCKFORD, 10)}${encode(this.serial(), CROCKFORD, 9)}${this.rng.chars(CROCKFORD, 7)}`;
  }

  /** 22 URL-safe base64 characters, like Flexport's invoice ids. */
  invoiceId(): string {
    const bytes = Buffer.alloc(16);
    bytes.writeUIntBE(this.serial(), 0, 6);
    for (let i = 6; i < 16; i++) bytes[i] = this.rng.int(0, 255);
    return bytes.toString('base64url');
  }

  documentId(): string {
    return `doc_${encode(this.serial(), BASE62, 8)}${this.rng.chars(BASE62, 4)}`;
  }

  purchaseOrderId(year: number): string {
    return `PO-${year}-${this.serial()}`;
  }
}

const OWNER_CODES = ['MSKU', 'MRKU', 'MAEU', 'CMAU', 'TGHU', 'OOLU', 'HLXU', 'TCNU', 'SEGU', 'CSNU', 'EGHU', 'FCIU'];
export const MAX_CONTAINERS_PER_SHIPMENT = 3;

/**
 * ISO 6346 container numbers. A run draws one owner code and one start serial, then numbers its
 * containers consecutively, so no two containers of a run share a number.
 */
export class ContainerNumbers {
  private readonly owner: string;
  private readonly start: number;

  constructor(seed: number) {
    const rng = new Random(seed, 0xc0);
    this.owner = rng.pick(OWNER_CODES);
    this.start = rng.int(0, 999_999);
  }

  number(journey: number, index: number): string {
    if (index >= MAX_CONTAINERS_PER_SHIPMENT) throw new Error('too many containers for one shipment');
    const serial = String((this.start + journey * MAX_CONTAINERS_PER_SHIPMENT + index) % 1_000_000).padStart(6, '0');
    const body = `${this.owner}${serial}`;
    return `${body}${iso6346CheckDigit(body)}`;
  }
}

const LETTER_VALUES = new Map(
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((letter, i) => {
    let value = 10 + i;
    value += Math.floor((value - 1) / 10);
    return [letter, value] as const;
  }),
);

/** Letters count 10..38 skipping multiples of 11; each position weighs 2^i; the sum mod 11 mod 10. */
export function iso6346CheckDigit(ownerAndSerial: string): number {
  let sum = 0;
  [...ownerAndSerial].forEach((char, i) => {
    const value = LETTER_VALUES.get(char) ?? Number(char);
    sum += value * 2 ** i;
  });
  return (sum % 11) % 10;
}
