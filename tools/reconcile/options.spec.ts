import { UsageError } from '../simulate/options.js';
import { DEFAULT_BASE_URL, resolveReconcileOptions } from './options.js';

describe('npm run reconcile options', () => {
  const window = { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' };

  it('target the local development service, with the admin token from the environment', () => {
    expect(resolveReconcileOptions(window, { ADMIN_API_TOKEN: ' admin ' })).toMatchObject({
      url: DEFAULT_BASE_URL,
      adminToken: 'admin',
      wait: true,
      ...window,
    });
    expect(resolveReconcileOptions({ ...window, url: 'https://flexport-webhooks.example.com/' }, {}).url).toBe(
      'https://flexport-webhooks.example.com',
    );
  });

  it.each([
    [{}, '--from and --to are required'],
    [{ from: window.from }, '--from and --to are required'],
    [{ ...window, from: 'yesterday' }, '--from must be an ISO-8601 time'],
    [{ ...window, to: window.from }, '--from must be before to'],
    [{ ...window, url: 'ftp://x' }, '--url'],
    [{ ...window, adminToken: '' }, '--admin-token'],
  ])('refuse %j', (input, message) => {
    expect(() => resolveReconcileOptions(input, {})).toThrow(UsageError);
    expect(() => resolveReconcileOptions(input, {})).toThrow(message);
  });
});
