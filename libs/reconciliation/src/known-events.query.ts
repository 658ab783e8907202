import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '@app/database';

/** Which listed events the event log already holds, whatever their status: one query per page. */
@Injectable()
export class KnownEvents {
  constructor(private readonly dataSource: DataSource) {}

  async inEventLog(eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await queryRows<{ event_id: string }>(
      this.dataSource.manager,
      'SELECT event_id FROM event_log WHERE event_id = ANY($1::text[])',
      [[...eventIds]],
    );
    return new Set(rows.map((row) => row.event_id));
  }
}
