import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseSignatureHeader, selectSignature, signatureHeaders, verifiedAlgorithm, verifySignature } from './signature.js';

const body = readFileSync(new URL('../../../test/fixtures/compact/milestone-departed.json', import.meta.url));
const SECRET = 'whsec_fixture_secret';
const VECTOR_256 = '1cbc35a8a47d61c64730b5275868e7973612672c96984e49b1391986ddb5d954';
const VECTOR_SHA1 = 'ac3086cd7c2d3ce03e99b709a86c8b85b437d547';

describe('verifySignature', () => {
  it('accepts the fixture test vector in X-Hub-Signature-256', () => {
    expect(body.length).toBe(302);
    expect(verifySignature(body, { 'x-hub-signature-256': `sha256=${VECTOR_256}` }, [SECRET])).toBe(true);
  });

  it('accepts the legacy sha1 vector in X-Hub-Signature', () => {
    expect(verifySignature(body, { 'x-hub-signature': `sha1=${VECTOR_SHA1}` }, [SECRET])).toBe(true);
  });

  it.each([
    ['a bare sha256 digest', { 'x-hub-signature-256': VECTOR_256 }],
    ['upper-case hex', { 'x-hub-signature-256': `sha256=${VECTOR_256.toUpperCase()}` }],
    ['an upper-case prefix', { 'x-hub-signature-256': `SHA256=${VECTOR_256}` }],
    ['surrounding whitespace', { 'x-hub-signature-256': ` sha256=${VECTOR_256} ` }],
    ['sha256 in the legacy header', { 'x-hub-signature': `sha256=${VECTOR_256}` }],
    ['a bare sha1 digest in the legacy header', { 'x-hub-signature': VECTOR_SHA1 }],
  ])('accepts %s', (_label, headers) => {
    expect(verifySignature(body, headers, [SECRET])).toBe(true);
  });

  it('names the algorithm that verified, so that a legacy SHA-1 signature can be refused or counted', () => {
    expect(verifiedAlgorithm(body, { 'x-hub-signature': `sha1=${VECTOR_SHA1}` }, [SECRET])).toBe('sha1');
    expect(verifiedAlgorithm(body, { 'x-hub-signature': VECTOR_SHA1 }, [SECRET])).toBe('sha1');
    expect(verifiedAlgorithm(body, { 'x-hub-signature': `sha256=${VECTOR_256}` }, [SECRET])).toBe('sha256');
    expect(verifiedAlgorithm(body, { 'x-hub-signature-256': VECTOR_256 }, [SECRET])).toBe('sha256');
    expect(verifiedAlgorithm(body, { 'x-hub-signature': `sha1=${VECTOR_SHA1}` }, ['another'])).toBeNull();
  });

  it('accepts any configured secret, so secrets can be rotated', () => {
    expect(verifySignature(body, { 'x-hub-signature-256': VECTOR_256 }, ['whsec_new', SECRET])).toBe(true);
    expect(verifySignature(body, { 'x-hub-signature-256': VECTOR_256 }, ['whsec_new'])).toBe(false);
  });

  it('lets X-Hub-Signature-256 alone decide when it is present', () => {
    const headers = { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}`, 'x-hub-signature': `sha1=${VECTOR_SHA1}` };
    expect(verifySignature(body, headers, [SECRET])).toBe(false);
  });

  it('rejects a body whose JSON was reformatted', () => {
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    expect(verifySignature(reformatted, { 'x-hub-signature-256': VECTOR_256 }, [SECRET])).toBe(false);
  });

  it.each([
    ['missing headers', {}],
    ['an empty value', { 'x-hub-signature-256': '' }],
    ['a sha1 digest in the sha256 header', { 'x-hub-signature-256': `sha1=${VECTOR_SHA1}` }],
    ['a repeated header', { 'x-hub-signature-256': [VECTOR_256, VECTOR_256] }],
    ['a truncated digest', { 'x-hub-signature-256': VECTOR_256.slice(1) }],
    ['a prefix with no digest', { 'x-hub-signature': 'sha1=' }],
  ])('rejects %s', (_label, headers) => {
    expect(verifySignature(body, headers as Record<string, string>, [SECRET])).toBe(false);
  });

  it('never throws and never accepts, whatever string the header holds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom('x-hub-signature-256', 'x-hub-signature'), (value, name) => {
        expect(verifySignature(body, { [name]: value }, [SECRET])).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('verifies what signatureHeaders produces, for any body', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.string({ minLength: 1 }), (bytes, secret) => {
        const headers = Object.fromEntries(
          Object.entries(signatureHeaders(Buffer.from(bytes), secret)).map(([k, v]) => [k.toLowerCase(), v]),
        );
        expect(verifySignature(Buffer.from(bytes), headers, [secret])).toBe(true);
        expect(verifySignature(Buffer.from(bytes), { 'x-hub-signature': headers['x-hub-signature'] }, [secret])).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseSignatureHeader', () => {
  it('reads the algorithm from the prefix or from the digest length', () => {
    expect(parseSignatureHeader(VECTOR_SHA1, ['sha256', 'sha1'])?.algorithm).toBe('sha1');
    expect(parseSignatureHeader(VECTOR_256, ['sha256', 'sha1'])?.algorithm).toBe('sha256');
    expect(parseSignatureHeader(`sha1=${VECTOR_256}`, ['sha256', 'sha1'])).toBeNull();
  });

  it('prefers X-Hub-Signature-256 even when it is malformed', () => {
    expect(selectSignature({ 'x-hub-signature-256': 'junk', 'x-hub-signature': VECTOR_SHA1 })).toBeNull();
  });
});
