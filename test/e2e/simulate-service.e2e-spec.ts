import { runSimulation } from '../../tools/simulate/index.js';
import { ApiStack, E2E_SECRETS, startApiStack } from '../support/api-stack.js';

/** The simulator played against the real service (API and worker processes), as a user would run it. */
describe('npm run simulate -- --verify against the running service', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack('simulate');
  }, 90_000);
  afterAll(() => stack?.stop());

  it.each([
    ['mixed envelopes, shuffled, with duplicates', { format: 'mixed', shuffle: true, duplicates: 0.3, seed: 4242 }],
    ['Flexport v2 envelopes in journey order', { format: 'v2', shuffle: false, duplicates: 0, seed: 777 }],
  ] as const)(
    'ends in the state of the journeys played: %s',
    async (_label, variant) => {
      const summary = await runSimulation({
        url: `${stack.api.url}/webhooks/flexport`,
        secret: E2E_SECRETS.webhookSecret,
        apiToken: E2E_SECRETS.apiToken,
        shipments: 6,
        verify: true,
        timeoutMs: 60_000,
        progress: 'none',
        ...variant,
      });
      const problems = summary.verification?.mismatches ?? [];
      expect(problems).toEqual([]);
      expect(summary).toMatchObject({ non2xx: 0, errors: 0, quarantined: 0, ok: true });
      expect(summary.verification?.ok).toBe(true);
      if (variant.duplicates > 0) expect(summary.duplicates).toBeGreaterThan(0);
    },
    120_000,
  );

  it('fails verification when the service state differs from the journeys', async () => {
    const summary = await runSimulation({
      url: `${stack.api.url}/webhooks/flexport`,
      secret: E2E_SECRETS.webhookSecret,
      apiToken: 'not-the-token',
      shipments: 1,
      verify: true,
      timeoutMs: 5_000,
      progress: 'none',
      seed: 99,
    });
    expect(summary.ok).toBe(false);
  }, 60_000);
});
