import { isPlainObject } from './envelope.js';
import type { Location } from './normalized-event.js';

const MAX_ID_LENGTH = 200;

/** An identifier as the normaliser accepts it (a safe integer or a short non-empty string), else null. */
function idOrNull(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && value.length <= MAX_ID_LENGTH && value.trim() !== '') return value.trim();
  return null;
}

function field(value: unknown, key: string): unknown {
  return isPlainObject(value) ? value[key] : undefined;
}

/** A reference (`{id}`) or a list of them (its first). */
function refId(value: unknown): unknown {
  return Array.isArray(value) ? field(value[0], 'id') : field(value, 'id');
}

/**
 * The shipment an event names, whatever its type (unknown ones included) and however malformed its
 * data: the first usable one of compact `data.shipment_id`, v2 `data.shipment.id`, a shipment resource's
 * id, the resource's `shipment` reference (legs, documents) and an invoice's `shipments`. Never throws.
 * The migration that added `event_log.shipment_id` computes the same in SQL; keep them in step.
 */
export function eventShipmentId(envelope: { data?: unknown }): string | null {
  const data = envelope.data;
  if (!isPlainObject(data)) return null;
  const resource = data.resource;
  return (
    idOrNull(data.shipment_id) ??
    idOrNull(field(data.shipment, 'id')) ??
    (field(resource, '_object') === '/shipment' ? idOrNull(field(resource, 'id')) : null) ??
    idOrNull(field(field(resource, 'shipment'), 'id')) ??
    idOrNull(refId(field(resource, 'shipments')))
  );
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * An event's `data.location` in either envelope (v2: a shipment node with `place.name` and
 * `place.address.country_code`; compact: `{name, country}`), or null. Lenient: never throws.
 */
export function readLocation(value: unknown): Location | null {
  if (!isPlainObject(value)) return null;
  const place = value.place;
  const name = text(isPlainObject(place) ? place.name : value.name);
  const country = text(isPlainObject(place) ? field(place.address, 'country_code') : value.country);
  if (name === null && country === null) return null;
  return { name, country: country === null ? null : country.toUpperCase() };
}
