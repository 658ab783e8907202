import { DEVELOPMENT_DEFAULTS } from '@app/config';
import {
  DEFAULT_EVENTS_API_PORT,
  DEFAULT_EVENTS_API_TOKEN,
  DEFAULT_URL,
  DEVELOPMENT_ADMIN_TOKEN,
  DEVELOPMENT_API_TOKEN,
  DEVELOPMENT_WEBHOOK_SECRET,
  resolveOptions,
  UsageError,
} from './options.js';

describe('simulator options', () => {
  it('target the local development service by default', () => {
    expect(DEVELOPMENT_WEBHOOK_SECRET).toBe(DEVELOPMENT_DEFAULTS.FLEXPORT_WEBHOOK_SECRETS);
    expect(DEVELOPMENT_API_TOKEN).toBe(DEVELOPMENT_DEFAULTS.API_TOKEN);
    const options = resolveOptions({}, {});
    expect(options).toMatchObject({
      url: DEFAULT_URL,
      apiUrl: 'http://127.0.0.1:3000',
      secret: DEVELOPMENT_WEBHOOK_SECRET,
      apiToken: DEVELOPMENT_API_TOKEN,
      format: 'mixed',
      timeoutMs: 60_000,
    });
    expect(Number.isInteger(options.seed)).toBe(true);
  });

  it('read the current secret and the token from the environment', () => {
    const options = resolveOptions(
      { url: 'http://localhost:4000/webhooks/flexport' },
      { FLEXPORT_WEBHOOK_SECRETS: ' whsec_new , whsec_old', API_TOKEN: 'tok' },
    );
    expect(options).toMatchObject({ secret: 'whsec_new', apiToken: 'tok', apiUrl: 'http://localhost:4000' });
  });

  it('reject values that cannot work', () => {
    expect(() => resolveOptions({ shipments: 0 }, {})).toThrow(UsageError);
    expect(() => resolveOptions({ duplicates: -1 }, {})).toThrow(UsageError);
    expect(() => resolveOptions({ url: 'not a url' }, {})).toThrow('--url');
    expect(() => resolveOptions({ format: 'xml' as never }, {})).toThrow('--format');
  });

  it('take a deployment base URL as its webhook endpoint, and any other path as the endpoint itself', () => {
    expect(resolveOptions({ url: 'http://127.0.0.1:3000' }, {})).toMatchObject({
      url: 'http://127.0.0.1:3000/webhooks/flexport',
      apiUrl: 'http://127.0.0.1:3000',
    });
    expect(resolveOptions({ url: 'https://hooks.example.com/' }, {}).url).toBe('https://hooks.example.com/webhooks/flexport');
    expect(resolveOptions({ url: 'https://hooks.example.com/flexport/in' }, {}).url).toBe('https://hooks.example.com/flexport/in');
  });

  it('serve the simulated Events API and reconcile when events are dropped', () => {
    expect(resolveOptions({}, {})).toMatchObject({ drop: 0, serveEventsApi: false, reconcile: false });
    expect(resolveOptions({ drop: 0.2 }, { ADMIN_API_TOKEN: 'admin' })).toMatchObject({
      serveEventsApi: true,
      eventsApiPort: DEFAULT_EVENTS_API_PORT,
      eventsApiToken: DEFAULT_EVENTS_API_TOKEN,
      reconcile: true,
      adminToken: 'admin',
    });
    expect(resolveOptions({ eventsApiPort: 0 }, {})).toMatchObject({ serveEventsApi: true, drop: 0 });
    expect(resolveOptions({ drop: 0.2, reconcile: false }, {}).reconcile).toBe(false);
    expect(() => resolveOptions({ drop: 1.5 }, {})).toThrow('--drop');
    expect(() => resolveOptions({ drop: 0.2, serveEventsApi: false }, {})).toThrow('--drop needs the simulated Events API');
  });

  it('use the token the development service accepts on admin routes', () => {
    const defaults = DEVELOPMENT_DEFAULTS as Record<string, string>;
    expect(DEVELOPMENT_ADMIN_TOKEN).toBe(defaults.ADMIN_API_TOKEN ?? defaults.API_TOKEN);
    expect(resolveOptions({}, {}).adminToken).toBe(DEVELOPMENT_ADMIN_TOKEN);
  });
});
