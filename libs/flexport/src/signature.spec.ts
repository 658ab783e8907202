import { readFileSync } from 'node:fs';
import { verifySignature } from './signature.js';

const body = readFileSync(new URL('../../../test/fixtures/compact/milestone-departed.json', import.meta.url));

describe('signature', () => {
  it('accepts the fixture vector', () => {
    expect(body.length).toBe(302);
    expect(
      verifySignature(body, { 'x-hub-signature-256': 'sha256=1cbc35a8a47d61c64730b5275868e7973612672c96984e49b1391986ddb5d954' }, ['whsec_fixture_secret']),
    ).toBe(true);
  });
});
