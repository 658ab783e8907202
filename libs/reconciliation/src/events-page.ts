/** One event as the Events API lists it: the same object a webhook delivers. */
export type ListedEvent = Record<string, unknown>;

/** What a page of `GET /events` carries that the client uses. */
export interface EventsPageBody {
  events: ListedEvent[];
  /** Full URL of the next page, or null on the last one. */
  next: string | null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads `{"_object":"/api/response","data":{"_object":"/api/collections/paginated","prev","next",
 * "data":[<event>,…]}}`. Returns why it is not that shape instead of throwing, so the caller can
 * name the page. The `_object` markers are checked only when present.
 */
export function readEventsPage(body: unknown): EventsPageBody | { problem: string } {
  if (!isObject(body)) return { problem: 'the answer is not a JSON object' };
  if (body._object !== undefined && body._object !== '/api/response') return { problem: `_object is ${JSON.stringify(body._object)}` };
  const collection = body.data;
  if (!isObject(collection)) return { problem: 'data is not an object' };
  if (collection._object !== undefined && collection._object !== '/api/collections/paginated') {
    return { problem: `data._object is ${JSON.stringify(collection._object)}` };
  }
  if (!Array.isArray(collection.data)) return { problem: 'data.data is not a list' };
  const position = collection.data.findIndex((event) => !isObject(event));
  if (position !== -1) return { problem: `data.data[${position}] is not an object` };
  const next = collection.next ?? null;
  if (next !== null && typeof next !== 'string') return { problem: 'data.next is neither a URL nor null' };
  return { events: collection.data as ListedEvent[], next: next === '' ? null : next };
}
