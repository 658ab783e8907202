import { occurredWindow, pickDropped } from './drops.js';
import { renderJourneys } from './events.js';
import { generateJourneys } from './journey.js';

describe('dropped deliveries', () => {
  const events = renderJourneys(generateJourneys({ seed: 77, shipments: 5, format: 'mixed' }));

  it('drops the requested share of distinct events, the same ones for the same seed', () => {
    const dropped = pickDropped(events, 0.2, 77);
    expect(dropped.size).toBe(Math.round(0.2 * events.length));
    expect([...dropped].every((id) => events.some((event) => event.eventId === id))).toBe(true);
    expect(pickDropped(events, 0.2, 77)).toEqual(dropped);
    expect(pickDropped(events, 0.2, 78)).not.toEqual(dropped);
    expect(pickDropped(events, 0, 77).size).toBe(0);
    expect(pickDropped(events, 1, 77).size).toBe(events.length);
  });

  it('covers every event of the run with the window it asks the service to reconcile', () => {
    const { from, to } = occurredWindow(events);
    for (const event of events) {
      expect(Date.parse(event.occurredAt)).toBeGreaterThan(Date.parse(from));
      expect(Date.parse(event.occurredAt)).toBeLessThan(Date.parse(to));
    }
  });
});
