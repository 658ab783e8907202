/** A place a journey passes through, with the UTC offset Flexport writes its leg dates in. */
export interface Site {
  name: string;
  city: string;
  country: string;
  unlocode: string | null;
  utcOffset: string;
  timezone: string;
}

const port = (name: string, city: string, country: string, unlocode: string, utcOffset: string, timezone: string): Site => ({
  name,
  city,
  country,
  unlocode,
  utcOffset,
  timezone,
});

export const ORIGIN_PORTS: readonly Site[] = [
  port('Port of Yantian', 'Shenzhen', 'CN', 'CNYTN', '+08:00', 'Asia/Shanghai'),
  port('Port of Shanghai', 'Shanghai', 'CN', 'CNSHA', '+08:00', 'Asia/Shanghai'),
  port('Port of Ningbo-Zhoushan', 'Ningbo', 'CN', 'CNNGB', '+08:00', 'Asia/Shanghai'),
  port('Cat Lai Terminal', 'Ho Chi Minh City', 'VN', 'VNSGN', '+07:00', 'Asia/Ho_Chi_Minh'),
  port('Port of Busan', 'Busan', 'KR', 'KRPUS', '+09:00', 'Asia/Seoul'),
  port('Port of Kaohsiung', 'Kaohsiung', 'TW', 'TWKHH', '+08:00', 'Asia/Taipei'),
  port('Chennai Port', 'Chennai', 'IN', 'INMAA', '+05:30', 'Asia/Kolkata'),
];

export const DESTINATION_PORTS: readonly Site[] = [
  port('Port of Los Angeles', 'Los Angeles', 'US', 'USLAX', '-08:00', 'America/Los_Angeles'),
  port('Port of Long Beach', 'Long Beach', 'US', 'USLGB', '-08:00', 'America/Los_Angeles'),
  port('Port of Oakland', 'Oakland', 'US', 'USOAK', '-08:00', 'America/Los_Angeles'),
  port('Port of Savannah', 'Savannah', 'US', 'USSAV', '-05:00', 'America/New_York'),
  port('Port of New York and New Jersey', 'Newark', 'US', 'USNYC', '-05:00', 'America/New_York'),
  port('Port of Rotterdam', 'Rotterdam', 'NL', 'NLRTM', '+01:00', 'Europe/Amsterdam'),
  port('Port of Hamburg', 'Hamburg', 'DE', 'DEHAM', '+01:00', 'Europe/Berlin'),
  port('Port of Felixstowe', 'Felixstowe', 'GB', 'GBFXT', '+00:00', 'Europe/London'),
];

const site = (name: string, city: string, country: string, utcOffset: string, timezone: string): Site => ({
  name,
  city,
  country,
  unlocode: null,
  utcOffset,
  timezone,
});

/** Suppliers by origin country: where cargo becomes ready. */
export const SUPPLIERS: Readonly<Record<string, readonly Site[]>> = {
  CN: [
    site('Shenzhen Bright Lighting Co.', 'Shenzhen', 'CN', '+08:00', 'Asia/Shanghai'),
    site('Ningbo Homeware Manufacturing Ltd.', 'Ningbo', 'CN', '+08:00', 'Asia/Shanghai'),
    site('Dongguan Precision Plastics', 'Dongguan', 'CN', '+08:00', 'Asia/Shanghai'),
  ],
  VN: [site('Saigon Furniture Export JSC', 'Binh Duong', 'VN', '+07:00', 'Asia/Ho_Chi_Minh')],
  KR: [site('Hanil Textile Co.', 'Daegu', 'KR', '+09:00', 'Asia/Seoul')],
  TW: [site('Formosa Cycle Parts Inc.', 'Taichung', 'TW', '+08:00', 'Asia/Taipei')],
  IN: [site('Coromandel Cotton Mills', 'Tiruppur', 'IN', '+05:30', 'Asia/Kolkata')],
};

/** Consignee warehouses by destination country: where deliveries end. */
export const WAREHOUSES: Readonly<Record<string, readonly Site[]>> = {
  US: [
    site('Acme Home Goods DC Ontario', 'Ontario', 'US', '-08:00', 'America/Los_Angeles'),
    site('Northwind Outdoor Fulfillment', 'Reno', 'US', '-08:00', 'America/Los_Angeles'),
    site('Blue Harbor Retail DC', 'Savannah', 'US', '-05:00', 'America/New_York'),
    site('Evergreen Supply Warehouse', 'Edison', 'US', '-05:00', 'America/New_York'),
  ],
  NL: [site('Lowlands Logistics Venlo', 'Venlo', 'NL', '+01:00', 'Europe/Amsterdam')],
  DE: [site('Hanse Retail Lager', 'Bremen', 'DE', '+01:00', 'Europe/Berlin')],
  GB: [site('Midlands Fulfilment Centre', 'Daventry', 'GB', '+00:00', 'Europe/London')],
};

const CURRENCIES: Readonly<Record<string, string>> = { US: 'USD', NL: 'EUR', DE: 'EUR', GB: 'GBP' };

export function currencyFor(destination: Site): string {
  return CURRENCIES[destination.country] ?? 'USD';
}

export const BUYERS = ['Acme Home Goods', 'Northwind Outdoor', 'Blue Harbor Retail', 'Evergreen Supply', 'Lowlands Living'];

export const PRODUCTS = [
  { sku: 'LMP-3301', description: 'Table lamp, brass' },
  { sku: 'LMP-3302', description: 'Floor lamp, linen shade' },
  { sku: 'CHR-1120', description: 'Dining chair, oak' },
  { sku: 'TXT-4410', description: 'Cotton throw, 130x170' },
  { sku: 'BKE-0907', description: 'Bicycle crankset' },
  { sku: 'KIT-2215', description: 'Ceramic mug set of 4' },
  { sku: 'OUT-7781', description: 'Camping lantern' },
];

export interface Carrier {
  name: string;
  scac: string;
  vessels: readonly string[];
}

export const CARRIERS: readonly Carrier[] = [
  { name: 'Maersk', scac: 'MAEU', vessels: ['MAERSK ESSEN', 'MAERSK EINDHOVEN', 'MARCHEN MAERSK'] },
  { name: 'CMA CGM', scac: 'CMDU', vessels: ['CMA CGM MARCO POLO', 'CMA CGM JACQUES SAADE'] },
  { name: 'COSCO Shipping', scac: 'COSU', vessels: ['COSCO SHIPPING UNIVERSE', 'COSCO SHIPPING ARIES'] },
  { name: 'Hapag-Lloyd', scac: 'HLCU', vessels: ['BERLIN EXPRESS', 'HAMBURG EXPRESS'] },
  { name: 'ONE', scac: 'ONEY', vessels: ['ONE APUS', 'ONE STORK'] },
];
