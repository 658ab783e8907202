import type { SimEvent } from './events.js';
import { EventsApiServer, startEventsApiServer } from './events-api-server.js';
import { SIMULATOR_OAUTH_CLIENT, UsageError } from './options.js';

export interface SimulatedEventsApiOptions {
  eventsApiHost: string;
  eventsApiPort: number;
  eventsApiToken: string;
}

/**
 * Plays Flexport's Events API for one run: it lists every event of the run, delivered or dropped,
 * to whoever holds the token (or an OAuth token of the simulator's client).
 */
export async function serveSimulatedEventsApi(events: readonly SimEvent[], options: SimulatedEventsApiOptions): Promise<EventsApiServer> {
  let server: EventsApiServer;
  try {
    server = await startEventsApiServer({
      host: options.eventsApiHost,
      port: options.eventsApiPort,
      apiTokens: [options.eventsApiToken],
      oauthClients: [SIMULATOR_OAUTH_CLIENT],
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${options.eventsApiHost}:${options.eventsApiPort}`;
    if (code === 'EADDRINUSE') {
      const message = `cannot serve the Events API on ${where}: the port is taken (another simulator?); pick one with --events-api-port`;
      throw new UsageError(message, { cause: error });
    }
    throw error;
  }
  server.addEvents(events.map((event) => JSON.parse(event.body.toString('utf8')) as Record<string, unknown>));
  return server;
}

/** How to point the service at it. */
export function eventsApiHint(server: EventsApiServer, token: string): string[] {
  return [
    `Flexport Events API (simulated) on ${server.origin}: the service reconciles against it when started with`,
    `  FLEXPORT_API_URL=${server.origin} FLEXPORT_API_TOKEN=${token}`,
    `  (or FLEXPORT_CLIENT_ID=${SIMULATOR_OAUTH_CLIENT.clientId} FLEXPORT_CLIENT_SECRET=${SIMULATOR_OAUTH_CLIENT.clientSecret})`,
  ];
}
