import fc from 'fast-check';
import { eventJobId } from './job-data.js';
import { EVENT_JOB_OPTIONS, totalRetryWindowMs, WORKER_OPTIONS } from './job-options.js';
import { CATEGORY_QUEUES, EVENT_QUEUES } from './queue-names.js';
import { EventCategory } from '@app/flexport';

describe('eventJobId', () => {
  it('is safe for BullMQ: no colon and never a bare integer', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.nat().map(String),
          fc.stringMatching(/^[0-9a-f]{0,64}$/).map((h) => `sha256:${h}`),
        ),
        (eventId) => {
          const jobId = eventJobId(eventId);
          expect(jobId).not.toContain(':');
          expect(/^\d+$/.test(jobId)).toBe(false);
        },
      ),
    );
  });

  it('never maps two event ids onto one job id', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        expect(eventJobId(a)).not.toBe(eventJobId(b));
      }),
      { numRuns: 5000 },
    );
    expect(eventJobId('a:b')).not.toBe(eventJobId('a%3Ab'));
  });
});

describe('queue policy', () => {
  it('retries a transient failure for at least 15 minutes', () => {
    expect(totalRetryWindowMs(EVENT_JOB_OPTIONS)).toBeGreaterThanOrEqual(15 * 60 * 1000);
  });

  it('picks a stalled job up again more than once, so a crash loop does not fail it unrecorded', () => {
    expect(WORKER_OPTIONS.maxStalledCount).toBeGreaterThan(1);
  });

  it('keeps failed jobs as evidence', () => {
    expect(EVENT_JOB_OPTIONS.removeOnFail).not.toBe(true);
  });

  it('gives every event category its own queue', () => {
    expect(Object.keys(CATEGORY_QUEUES).sort()).toEqual(Object.values(EventCategory).sort());
    expect(new Set(EVENT_QUEUES).size).toBe(Object.values(EventCategory).length);
  });
});
