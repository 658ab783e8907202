import { DEVELOPMENT_DEFAULTS } from '@app/config';
import { DEFAULT_URL, DEVELOPMENT_API_TOKEN, DEVELOPMENT_WEBHOOK_SECRET, resolveOptions, UsageError } from './options.js';

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
});
