import type { ReconcileAccepted, ReconcileRequest, ReconcileRunView } from '@app/reconciliation';
import { describeError } from '../simulate/describe-error.js';

/** A refusal or a failure of the admin API, worded for the person at the terminal. */
export class AdminApiError extends Error {
  override name = 'AdminApiError';

  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

const STATUSES = new Set(['running', 'succeeded', 'failed']);
const COUNTS = ['listed', 'alreadyKnown', 'queued', 'pages'] as const;

/** `POST /admin/reconcile` and `GET /admin/reconcile/:runId` of a running deployment, under the admin token. */
export class AdminReconcileClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  async start(window: ReconcileRequest): Promise<ReconcileAccepted> {
    const { status, body } = await this.call('POST', '/admin/reconcile', window);
    if (status !== 202 && status !== 200) throw this.refusal('POST /admin/reconcile', status, body);
    if (!isObject(body) || typeof body.runId !== 'string' || body.runId === '') {
      throw new AdminApiError(`POST /admin/reconcile answered ${status} without a runId: ${preview(body)}`, status);
    }
    return { runId: body.runId, status: 'running', from: window.from, to: window.to, ...pick(body, ['status', 'from', 'to']) };
  }

  async run(runId: string): Promise<ReconcileRunView> {
    const path = `/admin/reconcile/${encodeURIComponent(runId)}`;
    const { status, body } = await this.call('GET', path);
    if (status !== 200) throw this.refusal(`GET ${path}`, status, body);
    if (!isObject(body) || typeof body.status !== 'string' || !STATUSES.has(body.status)) {
      throw new AdminApiError(`GET ${path} answered a run without a known status: ${preview(body)}`, status);
    }
    const view = { runId, listed: 0, alreadyKnown: 0, queued: 0, pages: 0, startedAt: null, finishedAt: null, ...body } as ReconcileRunView;
    for (const count of COUNTS) if (typeof view[count] !== 'number') view[count] = Number(view[count]) || 0;
    return view;
  }

  private async call(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          Accept: 'application/json',
          ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: payload === undefined ? undefined : JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new AdminApiError(`${method} ${this.base}${path}: ${describeError(error)}`, null);
    }
    const text = await response.text().catch(() => '');
    try {
      return { status: response.status, body: text === '' ? null : JSON.parse(text) };
    } catch {
      return { status: response.status, body: text };
    }
  }

  private refusal(what: string, status: number, body: unknown): AdminApiError {
    const said =
      isObject(body) && (typeof body.message === 'string' || typeof body.error === 'string') ? `: ${body.message ?? body.error}` : '';
    if (status === 401 || status === 403) {
      return new AdminApiError(`${what} refused the admin token (HTTP ${status}): check --admin-token or ADMIN_API_TOKEN`, status);
    }
    if (status === 404 && what.startsWith('POST')) {
      return new AdminApiError(
        `${what} answered 404 at ${this.base}: is that the deployment's base URL, and does it run a version with reconciliation?`,
        status,
      );
    }
    return new AdminApiError(`${what} answered HTTP ${status}${said || `: ${preview(body)}`}`, status);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(body: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => typeof body[key] === 'string').map((key) => [key, body[key]]));
}

function preview(body: unknown): string {
  return (typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 200);
}
