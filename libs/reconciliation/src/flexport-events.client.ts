import { Logger } from '@nestjs/common';
import { FlexportApiError, FlexportApiFailure } from './flexport-api.error.js';
import { ListedEvent, readEventsPage } from './events-page.js';
import { DEFAULT_REQUEST_POLICY, HttpRequest, parseJson, RequestPolicy, sendWithRetries } from './flexport-http.js';
import type { FlexportTokenProvider } from './flexport-token.provider.js';
import type { ReconcileWindow } from './reconcile-window.js';

export interface FlexportEventsClientOptions {
  /** FLEXPORT_API_URL, without a trailing slash. */
  apiUrl: string;
  /** Events per page: Flexport's maximum, 100, by default. */
  perPage?: number;
  request?: Partial<RequestPolicy>;
  /** A run that pages beyond this stops as invalid (paging that never ends). */
  maxPages?: number;
}

export interface EventsPage {
  /** 1 for the first page fetched in this listing. */
  index: number;
  url: string;
  events: ListedEvent[];
  next: string | null;
}

export const FLEXPORT_API_VERSION = '2';

/**
 * Lists Flexport's `GET /events` over an `occurred_at` window: the first page by filters, then each
 * `data.next` in turn, one page at a time. A `next` on another origin than `apiUrl` is not followed,
 * so the bearer token never leaves it. 429 and 5xx are retried (see sendWithRetries); a 401 asks
 * the token provider for a new token once.
 */
export class FlexportEventsClient {
  private readonly logger = new Logger(FlexportEventsClient.name);
  private readonly origin: string;
  private readonly policy: RequestPolicy;

  constructor(
    private readonly options: FlexportEventsClientOptions,
    private readonly tokens: FlexportTokenProvider,
  ) {
    this.origin = new URL(options.apiUrl).origin;
    this.policy = { ...DEFAULT_REQUEST_POLICY, ...options.request };
  }

  firstPageUrl(window: ReconcileWindow): string {
    const url = new URL(`${this.options.apiUrl}/events`);
    url.searchParams.set('f.occurred_at.gte', window.from.toISOString());
    url.searchParams.set('f.occurred_at.lte', window.to.toISOString());
    url.searchParams.set('per', String(this.options.perPage ?? 100));
    url.searchParams.set('page', '1');
    return url.toString();
  }

  async *pages(window: ReconcileWindow, signal?: AbortSignal): AsyncGenerator<EventsPage> {
    const maxPages = this.options.maxPages ?? 100_000;
    const fetched = new Set<string>();
    let url: string | null = this.firstPageUrl(window);
    for (let index = 1; url !== null; index++) {
      if (fetched.has(url) || index > maxPages) {
        throw new FlexportApiError(FlexportApiFailure.InvalidResponse, `events page ${index}: paging does not end (${url})`, { url });
      }
      fetched.add(url);
      const page = await this.fetchPage(url, index, signal);
      yield page;
      url = page.next === null ? null : this.followable(page.next, url, index);
    }
  }

  async *events(window: ReconcileWindow, signal?: AbortSignal): AsyncGenerator<ListedEvent> {
    for await (const page of this.pages(window, signal)) yield* page.events;
  }

  /** The absolute URL of `next`, if it stays on the configured origin. */
  private followable(next: string, current: string, index: number): string {
    const url = URL.canParse(next, current) ? new URL(next, current) : null;
    if (url === null || url.origin !== this.origin) {
      const shown = url?.origin ?? next.slice(0, 200);
      this.logger.error({
        msg: 'events page links its next page to another origin: not followed',
        page: index,
        next: shown,
        origin: this.origin,
      });
      throw new FlexportApiError(
        FlexportApiFailure.ForeignOrigin,
        `events page ${index}: next page is on ${shown}, not ${this.origin}; not followed`,
        { url: current },
      );
    }
    return url.toString();
  }

  private async fetchPage(url: string, index: number, signal?: AbortSignal): Promise<EventsPage> {
    const label = `events page ${index}`;
    for (let renewed = false; ; renewed = true) {
      const token = await this.tokens.getToken(signal);
      const request: HttpRequest = {
        method: 'GET',
        url,
        headers: { Authorization: `Bearer ${token}`, 'Flexport-Version': FLEXPORT_API_VERSION, Accept: 'application/json' },
        label,
      };
      const answer = await sendWithRetries(request, this.policy, signal);
      if (answer.status === 401) {
        if (!renewed && (await this.tokens.invalidate(token))) {
          this.logger.warn({ msg: `${label}: token refused (HTTP 401), asking for a new one`, url });
          continue;
        }
        throw new FlexportApiError(FlexportApiFailure.Unauthorized, `${label}: Flexport refused the token (HTTP 401)`, {
          status: 401,
          url,
        });
      }
      if (answer.status < 200 || answer.status > 299) {
        throw new FlexportApiError(FlexportApiFailure.HttpError, `${label}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`, {
          status: answer.status,
          url,
        });
      }
      const body = readEventsPage(parseJson(answer, request));
      if ('problem' in body) {
        throw new FlexportApiError(FlexportApiFailure.InvalidResponse, `${label}: not an events page: ${body.problem}`, {
          status: answer.status,
          url,
        });
      }
      return { index, url, ...body };
    }
  }
}
