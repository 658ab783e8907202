import { readEventsPage } from './events-page.js';

const event = { _object: '/event', id: 1, type: '/shipment_leg#departed', data: {} };
const page = (data: Record<string, unknown>) => ({ _object: '/api/response', self: 'x', version: 2, data });

describe('readEventsPage', () => {
  it('reads the events and the next link of the documented shape', () => {
    const next = 'https://api.flexport.com/events?page=2&per=100';
    expect(readEventsPage(page({ _object: '/api/collections/paginated', prev: null, next, data: [event] }))).toEqual({
      events: [event],
      next,
    });
  });

  it('treats a missing or empty next as the last page', () => {
    expect(readEventsPage(page({ data: [] }))).toEqual({ events: [], next: null });
    expect(readEventsPage(page({ data: [], next: '' }))).toEqual({ events: [], next: null });
  });

  it.each([
    [null, 'not a JSON object'],
    [[event], 'not a JSON object'],
    [{ _object: '/api/error', data: { data: [] } }, '_object'],
    [page({ _object: '/shipment', data: [] }), 'data._object'],
    [{ data: 'none' }, 'data is not an object'],
    [page({ data: { 0: event } }), 'data.data is not a list'],
    [page({ data: [event, 'x'] }), 'data.data[1]'],
    [page({ data: [], next: 42 }), 'data.next'],
  ])('names what is wrong with %j', (body, problem) => {
    expect(readEventsPage(body)).toEqual({ problem: expect.stringContaining(problem) });
  });
});
