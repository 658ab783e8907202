import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parentPid } from './processes.js';

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the server of `adminUrl`; `drop()` removes it even with clients still connected. */
export async function createScratchDatabase(adminUrl: string, label: string): Promise<ScratchDatabase> {
  const name = `fw_${label}_${randomBytes(5).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/**
 * Runs one query on a short-lived connection (polling must not hold a pool open between phases).
 * `connectTimeoutMs` bounds the wait for a server that may be down (the fault suite stops its own).
 */
export async function queryOnce<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
  connectTimeoutMs?: number,
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The pid of the postmaster behind `adminUrl` when it runs on this machine (for its cluster's CPU), else null. */
export async function postmasterPid(adminUrl: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const [row] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    // The backend serving this connection is a child of the postmaster; it must still run (not queryOnce).
    return parentPid(row.pid);
  } catch {
    return null;
  } finally {
    await client.end();
  }
}
