import { ArgumentsHost, BadRequestException, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { QueryFailedError } from 'typeorm';

/**
 * A value Postgres refuses as data (SQLSTATE class 22: an impossible date in a cursor, a NUL byte in
 * an id) is the caller's mistake: 400, not 500. Every other error keeps Nest's handling.
 */
@Catch(QueryFailedError)
export class DataExceptionFilter extends BaseExceptionFilter {
  override catch(exception: QueryFailedError, host: ArgumentsHost): void {
    const code = (exception.driverError as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && code.startsWith('22')) {
      return super.catch(new BadRequestException({ error: 'invalid_request', message: ['a parameter is not a valid value'] }), host);
    }
    return super.catch(exception, host);
  }
}
