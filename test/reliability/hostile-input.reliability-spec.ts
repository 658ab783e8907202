import { Queue } from 'bullmq';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { signatureHeaders } from '@app/flexport';
import { EVENT_QUEUES, QueueName } from '@app/queue';
import { buildEvents } from '../support/signed-events.js';
import type { Child } from '../support/processes.js';
import { alive, Deployment, postEvent, ReliabilityEnv, SECRET, waitUntil } from './support/harness.js';
import { RawHeader, rawBytes, rawRequest, RawResponse } from './support/raw-http.js';

/** Fixed, so that a failure reproduces; override with HOSTILE_SEED to explore. */
const SEED = Number(process.env.HOSTILE_SEED ?? 20261127);
const BODY_LIMIT = 1024 * 1024;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Tally {
  requests: number;
  byKind: Record<string, Record<string, number>>;
  serverErrors: Array<{ kind: string; status: number; body: string }>;
  hung: string[];
}

const tally: Tally = { requests: 0, byKind: {}, serverErrors: [], hung: [] };

function record(kind: string, response: RawResponse): void {
  tally.requests++;
  const key = response.hung ? 'hung' : response.status === null ? 'closed' : String(response.status);
  tally.byKind[kind] = tally.byKind[kind] ?? {};
  tally.byKind[kind][key] = (tally.byKind[kind][key] ?? 0) + 1;
  if (response.status !== null && response.status >= 500)
    tally.serverErrors.push({ kind, status: response.status, body: response.body.slice(0, 200) });
  if (response.hung) tally.hung.push(kind);
}

const hmac = (algorithm: 'sha256' | 'sha1', body: Buffer, secret = SECRET) => createHmac(algorithm, secret).update(body).digest('hex');
const signed = (body: Buffer): RawHeader[] => Object.entries(signatureHeaders(body, SECRET));
const json: RawHeader = ['Content-Type', 'application/json'];

let counter = 0;
const uniqueId = (label: string) => `evt_hostile_${label}_${SEED}_${counter++}`;

/** Every path to a value inside `value` (object keys and array indexes), parents before children. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...paths(child, [...prefix, key])]);
}

function setPath(root: Json, path: (string | number)[], replacement: Json): Json {
  const copy = structuredClone(root) as Record<string | number, Json>;
  let cursor = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string | number, Json>;
  cursor[path[path.length - 1]] = replacement;
  return copy;
}

/** A value of another JSON type than `original` (and, for strings, hostile content). */
const WRONG_VALUES: Json[] = [null, 0, -1.5e308, true, '', '\u0000', 'x'.repeat(5000), [], {}, [1, 'a', null], { a: { b: [] } }, '\ud800'];
function wrongValueFor(original: Json, turn: number): Json {
  const typeOf = (v: Json) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  const candidates = WRONG_VALUES.filter((v) => typeOf(v) !== typeOf(original) || typeof v === 'string');
  return candidates[turn % candidates.length];
}

/** The contract's signature rule, written independently of the service: does this header set carry a valid signature? */
function contractAccepts(body: Buffer, headers: RawHeader[]): boolean {
  const values = (name: string) => headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v.toString());
  const decisive =
    values('x-hub-signature-256').length > 0
      ? { v: values('x-hub-signature-256'), algos: ['sha256'] }
      : { v: values('x-hub-signature'), algos: ['sha256', 'sha1'] };
  if (decisive.v.length !== 1) return false;
  const match = /^(?:(sha256|sha1)=)?([0-9a-f]+)$/i.exec(decisive.v[0].trim());
  if (!match) return false;
  const hex = match[2].toLowerCase();
  const algos = match[1] ? [match[1].toLowerCase()] : decisive.algos;
  return algos.some((algo) => decisive.algos.includes(algo) && hex === hmac(algo as 'sha256' | 'sha1', body));
}

describe('a corpus of hostile requests', () => {
  let env: ReliabilityEnv;
  let deployment: Deployment;
  let api: Child;
  let worker: Child;
  const template = buildEvents({ count: 400, secret: SECRET, tag: 'hostile-templates' });
  // One template per wire type: every envelope shape of both formats.
  const templates = [...new Map(template.map((event) => [event.type, JSON.parse(event.body.toString()) as Json])).values()];
  const validBody = template[0].body;

  beforeAll(async () => {
    env = await ReliabilityEnv.create('hostile');
    deployment = await env.deployment('hostile');
    worker = await deployment.start('worker');
    api = await deployment.start('api');
  });

  afterAll(async () => {
    process.stdout.write(`hostile corpus (seed ${SEED}): ${tally.requests} requests; ${JSON.stringify(tally.byKind)}\n`);
    if (tally.serverErrors.length > 0 || tally.hung.length > 0) env?.markFailed();
    await env?.destroy();
  });

  /** Sends one case and checks the rules every answer must follow: no 5xx, no hang. */
  async function send(kind: string, request: Parameters<typeof rawRequest>[1] | Buffer): Promise<RawResponse> {
    const response = Buffer.isBuffer(request) ? await rawBytes(api.port, request) : await rawRequest(api.port, request);
    record(kind, response);
    return response;
  }
  const noServerError = (r: RawResponse) => !r.hung && (r.status === null || r.status < 500);
  const property = <T>(kind: string, arbitrary: fc.Arbitrary<T>, numRuns: number, check: (value: T) => Promise<boolean>) =>
    fc.assert(fc.asyncProperty(arbitrary, check), { numRuns, seed: SEED, endOnFailure: false });

  it('random bytes without a valid signature: 401', async () => {
    await property(
      'random-bytes-unsigned',
      fc.record({ body: fc.uint8Array({ maxLength: 4096 }), sig: fc.option(fc.string({ unit: 'binary-ascii', maxLength: 100 })) }),
      60,
      async ({ body, sig }) => {
        const headers: RawHeader[] = sig === null ? [] : [['X-Hub-Signature-256', sig.replace(/[\r\n]/g, '')]];
        const r = await send('random-bytes-unsigned', { headers, body: Buffer.from(body) });
        return noServerError(r) && (r.status === 401 || r.status === 400);
      },
    );
  });

  it('random bytes correctly signed: 200 (queued or quarantined)', async () => {
    await property('random-bytes-signed', fc.uint8Array({ maxLength: 8192 }), 60, async (bytes) => {
      const body = Buffer.from(bytes);
      const r = await send('random-bytes-signed', { headers: [json, ...signed(body)], body });
      return noServerError(r) && r.status === 200;
    });
  });

  it('invalid UTF-8 inside otherwise valid events: 200', async () => {
    const invalid = fc.constantFrom(
      Buffer.from([0xff]),
      Buffer.from([0xc3, 0x28]),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
      Buffer.from([0xe2, 0x82]),
      Buffer.from([0xfe, 0xff]),
      Buffer.from([0x00]),
      Buffer.from([0xc0, 0xaf]),
    );
    const field = fc.constantFrom('shipment_id', 'milestone', 'notes', 'type', 'id');
    await property('invalid-utf8-signed', fc.tuple(invalid, field, fc.nat(3)), 50, async ([bytes, where, reps]) => {
      const marker = '@@';
      const envelope: Record<string, unknown> = {
        id: uniqueId('utf8'),
        type: 'shipment.milestone',
        data: { shipment_id: 'SHP-1', milestone: 'departed', notes: 'n' },
      };
      if (where === 'type' || where === 'id') envelope[where] = `${String(envelope[where])}${marker}`;
      else (envelope.data as Record<string, string>)[where] += marker;
      const [before, after] = JSON.stringify(envelope).split(marker);
      const body = Buffer.concat([Buffer.from(before), ...Array.from({ length: reps + 1 }, () => bytes), Buffer.from(after)]);
      const r = await send('invalid-utf8-signed', { headers: [json, ...signed(body)], body });
      return noServerError(r) && r.status === 200;
    });
  });

  it('deeply nested JSON, correctly signed: 200, never a 5xx', async () => {
    const shape = fc.record({
      depth: fc.integer({ min: 100, max: 400_000 }),
      open: fc.constantFrom('[', '{"a":'),
      where: fc.constantFrom('data', 'id', 'type', 'root'),
    });
    await property('deep-json-signed', shape, 30, async ({ depth, open, where }) => {
      const close = open === '[' ? ']' : '}';
      const room = Math.floor((BODY_LIMIT - 200) / (open.length + 1));
      const n = Math.min(depth, room);
      const nested = `${open.repeat(n)}${open === '[' ? '' : '1'}${close.repeat(n)}`;
      const id = uniqueId('deep');
      const text =
        where === 'root'
          ? nested
          : where === 'data'
            ? `{"id":"${id}","type":"shipment.milestone","data":${nested}}`
            : where === 'id'
              ? `{"id":${nested},"type":"shipment.milestone","data":{}}`
              : `{"id":"${id}","type":${nested},"data":{}}`;
      const body = Buffer.from(text);
      const r = await send('deep-json-signed', { headers: [json, ...signed(body)], body });
      return noServerError(r) && r.status === 200;
    });
  });

  it('a wrong type in every field of every envelope shape: 200, then dead-lettered or processed', async () => {
    let turn = 0;
    for (const shape of templates) {
      for (const path of paths(shape)) {
        const original = path.reduce<Json>((value, key) => (value as Record<string | number, Json>)[key], shape);
        let mutated = setPath(shape, path, wrongValueFor(original, turn++));
        if (path[0] !== 'id') mutated = setPath(mutated, ['id'], uniqueId('type'));
        const body = Buffer.from(JSON.stringify(mutated));
        const r = await send('wrong-type-sweep', { headers: [json, ...signed(body)], body });
        if (!(noServerError(r) && r.status === 200)) throw new Error(`${JSON.stringify(path)} → ${r.status}: ${r.body}`);
      }
    }
    const anyShape = fc
      .constantFrom(...templates)
      .chain((shape) => fc.tuple(fc.constant(shape), fc.constantFrom(...paths(shape)), fc.jsonValue({ maxDepth: 4 })));
    await property('wrong-type-random', anyShape, 120, async ([shape, path, value]) => {
      let mutated = setPath(shape, path, value as Json);
      if (path[0] !== 'id') mutated = setPath(mutated, ['id'], uniqueId('rnd'));
      const body = Buffer.from(JSON.stringify(mutated));
      const r = await send('wrong-type-random', { headers: [json, ...signed(body)], body });
      return noServerError(r) && r.status === 200;
    });
  });

  it('signature variants: 200 exactly when the contract says the signature is valid, else 401', async () => {
    const digest = fc.constantFrom('sha256-good', 'sha1-good', 'sha256-other-secret', 'zeros');
    const prefix = fc.constantFrom('sha256=', 'SHA256=', 'sha1=', '', 'sha512=', 'sha256:', 'sha256 =', 'Sha256=');
    const mangle = fc.constantFrom('none', 'upper', 'truncate', 'extend', 'nonhex', 'pad', 'double');
    const header = fc.constantFrom('256', 'legacy', 'both-same', 'both-legacy-good', 'repeated-256');
    await property('signature-variants', fc.record({ digest, prefix, mangle, header }), 80, async (v) => {
      const body = Buffer.from(JSON.stringify({ id: uniqueId('sig'), type: 'booking.confirmed', data: { booking_id: 'B-1' } }));
      let hex =
        v.digest === 'sha256-good'
          ? hmac('sha256', body)
          : v.digest === 'sha1-good'
            ? hmac('sha1', body)
            : v.digest === 'zeros'
              ? '0'.repeat(64)
              : hmac('sha256', body, 'other');
      if (v.mangle === 'upper') hex = hex.toUpperCase();
      if (v.mangle === 'truncate') hex = hex.slice(0, -1);
      if (v.mangle === 'extend') hex = `${hex}0`;
      if (v.mangle === 'nonhex') hex = `${hex.slice(0, -1)}g`;
      const value =
        v.mangle === 'pad' ? `  ${v.prefix}${hex}\t` : v.mangle === 'double' ? `${v.prefix}${hex},${v.prefix}${hex}` : `${v.prefix}${hex}`;
      const headers: RawHeader[] = [json];
      if (v.header === '256' || v.header === 'both-same') headers.push(['X-Hub-Signature-256', value]);
      if (v.header === 'legacy' || v.header === 'both-same') headers.push(['X-Hub-Signature', value]);
      if (v.header === 'both-legacy-good') headers.push(['X-Hub-Signature-256', value], ['X-Hub-Signature', `sha1=${hmac('sha1', body)}`]);
      if (v.header === 'repeated-256') headers.push(['X-Hub-Signature-256', value], ['X-Hub-Signature-256', value]);
      const r = await send('signature-variants', { headers, body });
      const expected = contractAccepts(body, headers) ? 200 : 401;
      return noServerError(r) && r.status === expected;
    });
  });

  it('huge, repeated and numerous headers: a 4xx, never a 5xx', async () => {
    const huge = fc.record({
      size: fc.integer({ min: 1024, max: 256 * 1024 }),
      name: fc.constantFrom('X-Hub-Signature-256', 'X-Hub-Signature', 'Content-Type', 'X-Junk'),
    });
    await property('huge-header', huge, 30, async ({ size, name }) => {
      const r = await send('huge-header', { headers: [[name, 'a'.repeat(size)]], body: validBody });
      return noServerError(r) && r.status !== null && r.status >= 400;
    });
    const repeated = fc.record({
      copies: fc.integer({ min: 2, max: 60 }),
      name: fc.constantFrom('X-Hub-Signature-256', 'X-Hub-Signature', 'Content-Type', 'Content-Length'),
    });
    await property('repeated-header', repeated, 30, async ({ copies, name }) => {
      const value =
        name === 'Content-Length'
          ? String(validBody.length)
          : name === 'Content-Type'
            ? 'application/json'
            : `sha256=${hmac('sha256', validBody)}`;
      const headers: RawHeader[] = [
        ...signed(validBody).filter(([n]) => n !== name),
        ...Array.from({ length: copies }, (): RawHeader => [name, value]),
      ];
      const r = await send('repeated-header', { headers, body: validBody });
      // A repeated deciding signature is rejected; a repeated Content-Type or Content-Length is a client error or harmless.
      if (name.startsWith('X-Hub')) return noServerError(r) && r.status === (contractAccepts(validBody, headers) ? 200 : 401);
      return noServerError(r) && r.status !== null && (r.status === 200 || (r.status >= 400 && r.status < 500));
    });
    await property('many-headers', fc.integer({ min: 100, max: 3000 }), 20, async (count) => {
      const headers: RawHeader[] = [...signed(validBody), ...Array.from({ length: count }, (_, i): RawHeader => [`X-H${i}`, 'v'])];
      const r = await send('many-headers', { headers, body: validBody });
      return noServerError(r) && r.status !== null;
    });
  });

  it('garbage on the socket, wrong methods, odd content types and framing: no 5xx', async () => {
    await property('raw-garbage', fc.uint8Array({ minLength: 1, maxLength: 4096 }), 40, async (bytes) =>
      noServerError(await send('raw-garbage', Buffer.from(bytes))),
    );
    await property(
      'method-path',
      fc.record({
        method: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'POST'),
        path: fc.constantFrom(
          '/webhooks/flexport',
          '/webhooks/flexport/',
          '/webhooks/flexport?x=%ff',
          '/webhooks/%2e%2e/flexport',
          '/webhooks/flexport#x',
          '//webhooks//flexport',
          '/webhooks/FLEXPORT',
        ),
      }),
      30,
      async ({ method, path }) => {
        const r = await send('method-path', {
          method,
          path,
          headers: [json, ...signed(validBody)],
          body: method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : validBody,
        });
        return noServerError(r);
      },
    );
    await property(
      'content-type',
      fc.oneof(
        fc.string({ unit: 'binary-ascii', maxLength: 200 }),
        fc.constantFrom(
          'application/json; charset=utf-16',
          'text/plain',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
          'application/json; charset=latin1',
        ),
      ),
      30,
      async (type) => {
        const body = Buffer.from(
          JSON.stringify({ id: uniqueId('ct'), type: 'document.uploaded', data: { document_id: 'D1', document_type: 'x' } }),
        );
        const r = await send('content-type', { headers: [['Content-Type', type.replace(/[\r\n]/g, '')], ...signed(body)], body });
        return noServerError(r) && (r.status === 200 || r.status === 400 || r.status === 415);
      },
    );
    await property('chunked-framing', fc.integer({ min: 1, max: 64 }), 20, async (chunk) => {
      const parts: Buffer[] = [];
      for (let i = 0; i < validBody.length; i += chunk) {
        const piece = validBody.subarray(i, i + chunk);
        parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
      }
      parts.push(Buffer.from('0\r\n\r\n'));
      const r = await send('chunked-framing', {
        headers: [json, ['Transfer-Encoding', 'chunked'], ...signed(validBody)],
        body: Buffer.concat(parts),
        noContentLength: true,
      });
      return noServerError(r) && r.status === 200;
    });
  });

  it('leaves the service healthy: both processes up, /health/live 200, a valid event processed, nothing stuck', async () => {
    expect(tally.requests).toBeGreaterThanOrEqual(500);
    expect(alive(api)).toBe(true);
    expect(alive(worker)).toBe(true);
    const live = await fetch(`${api.url}/health/live`);
    expect(live.status).toBe(200);

    const [event] = buildEvents({ count: 1, secret: SECRET, tag: `hostile-after-${SEED}` });
    expect((await postEvent(api.url, event)).status).toBe(200);
    const statuses = await deployment.waitForFinal([event.eventId], 30_000);
    expect(statuses.get(event.eventId)).toMatch(/^(processed|ignored)$/);

    // Every event the corpus got queued has been settled: processed, ignored or dead-lettered at once;
    // none is left retrying (an input that can never apply must not be mistaken for a transient failure).
    const queues = [...EVENT_QUEUES, QueueName.Quarantine].map(
      (name) => new Queue(name, { connection: { url: env.redis.url }, prefix: deployment.queuePrefix }),
    );
    try {
      const pending = async () => {
        let total = 0;
        for (const queue of queues) {
          const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
          total += Object.values(counts).reduce((a, b) => a + b, 0);
        }
        return total;
      };
      await waitUntil(async () => (await pending()) === 0, 30_000, 1000);
      const left = await pending();
      const log = await deployment.query<{ status: string; n: string }>(
        'SELECT status, count(*) AS n FROM event_log GROUP BY status ORDER BY status',
      );
      const dead = await deployment.query<{ reason: string; n: string }>(
        'SELECT reason, count(*) AS n FROM dead_letters GROUP BY reason ORDER BY reason',
      );
      const retrying = [];
      for (const queue of queues) {
        for (const job of await queue.getJobs(['delayed', 'wait', 'active'], 0, 5))
          retrying.push(`${queue.name}: ${job.failedReason ?? ''}`.slice(0, 300));
      }
      process.stdout.write(
        `hostile settle: event_log ${JSON.stringify(log)}; dead_letters ${JSON.stringify(dead)}; jobs still pending ${left}; e.g. ${JSON.stringify(retrying)}\n`,
      );
      if (left > 0) env.markFailed();
      expect(left).toBe(0);
    } finally {
      for (const queue of queues) await queue.close();
    }
    expect(tally.hung).toEqual([]);
    expect(tally.serverErrors).toEqual([]);
  });
});
