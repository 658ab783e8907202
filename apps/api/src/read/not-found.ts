import { NotFoundException } from '@nestjs/common';

export function found<T>(value: T | null, what: string, id: string): T {
  if (value === null) throw new NotFoundException({ error: 'not_found', message: `${what} ${id} not found` });
  return value;
}
