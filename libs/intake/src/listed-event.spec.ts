import { createHash } from 'node:crypto';
import { readListedEvent } from './listed-event.js';

describe('readListedEvent', () => {
  it('identifies a listed event by its id, as a webhook of it would be', () => {
    expect(readListedEvent({ _object: '/event', id: 1831596, type: '/shipment_leg#departed', data: {} })).toMatchObject({
      ok: true,
      eventId: '1831596',
    });
    expect(readListedEvent({ id: 'evt_1', type: 'shipment.milestone' })).toMatchObject({ ok: true, eventId: 'evt_1' });
  });

  it('identifies an event without an id by the SHA-256 of its JSON as listed', () => {
    const event = { type: 'shipment.milestone', data: { shipment_id: 'SHP-1', milestone: 'departed' } };
    const digest = createHash('sha256').update(JSON.stringify(event)).digest('hex');
    expect(readListedEvent(event)).toMatchObject({ ok: true, eventId: `sha256:${digest}` });
  });

  it('says why a listed value is not an event, with the bytes to quarantine', () => {
    expect(readListedEvent({ id: 3 })).toEqual({ ok: false, reason: 'event has no string type', body: Buffer.from('{"id":3}') });
    expect(readListedEvent({ id: 4, type: 'x', data: { note: 'a\u0000' } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('NUL'),
    });
  });
});
