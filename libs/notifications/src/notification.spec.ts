import fc from 'fast-check';
import { deliveryKey, InvalidNotifyJobError, notificationBody, notifyJobId, parseNotifyJobData } from './notification.js';
import { NOTIFICATION_JOB_OPTIONS } from './notification-policy.js';
import { totalRetryWindowMs } from '@app/queue';

describe('notification identity', () => {
  it('job ids are safe for BullMQ: no colon and never a bare integer', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.webUrl(), fc.nat(5), (shipment, milestone, url, replay) => {
        const jobId = notifyJobId(deliveryKey(shipment, milestone, url), replay);
        expect(jobId).not.toContain(':');
        expect(/^\d+$/.test(jobId)).toBe(false);
      }),
    );
  });

  it('gives two different (shipment, milestone, url) triples two different keys', () => {
    expect(deliveryKey('S1', 'departed', 'http://a')).not.toBe(deliveryKey('S1', 'arrived', 'http://a'));
    expect(deliveryKey('a","b', 'c', 'u')).not.toBe(deliveryKey('a', 'b","c', 'u'));
    expect(deliveryKey('S1', 'departed', 'http://a')).toBe(deliveryKey('S1', 'departed', 'http://a'));
  });

  it('serialises the body with a fixed key order, whatever the stored location looks like', () => {
    const body = notificationBody({
      shipmentId: 'S1',
      milestone: 'departed',
      occurredAt: '2026-03-02T06:40:00.000Z',
      location: { country: 'CN', name: 'Port of Yantian' },
    });
    expect(body).toBe(
      '{"shipmentId":"S1","milestone":"departed","occurredAt":"2026-03-02T06:40:00.000Z","location":{"name":"Port of Yantian","country":"CN"}}',
    );
  });

  it('refuses job data whose key does not match its target', () => {
    const data = { deliveryKey: deliveryKey('S1', 'departed', 'http://a'), shipmentId: 'S1', milestone: 'departed', url: 'http://a' };
    expect(parseNotifyJobData(data)).toEqual(data);
    expect(() => parseNotifyJobData({ ...data, url: 'http://b' })).toThrow(InvalidNotifyJobError);
    expect(() => parseNotifyJobData({ ...data, milestone: 'cargo_ready' })).toThrow(InvalidNotifyJobError);
    expect(() => parseNotifyJobData(null)).toThrow(InvalidNotifyJobError);
  });

  it('retries a failing receiver for hours and keeps failed jobs', () => {
    expect(totalRetryWindowMs(NOTIFICATION_JOB_OPTIONS) * 0.8).toBeGreaterThan(6 * 60 * 60 * 1000);
    expect(NOTIFICATION_JOB_OPTIONS.removeOnFail).not.toBe(true);
  });
});
