import { applyDecorators, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { API_TOKEN_SCHEME, ApiTokenGuard } from '../auth/api-token.guard.js';
import { ErrorResponse } from '../http/query.js';

/** The read API's credential (API_TOKEN) and its documented answers, for every read controller. */
export const BearerProtected = () =>
  applyDecorators(
    UseGuards(ApiTokenGuard),
    ApiBearerAuth(API_TOKEN_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or wrong `Authorization: Bearer $API_TOKEN`.' }),
    ApiTooManyRequestsResponse({ type: ErrorResponse, description: 'Too many failed authentications from this address this minute.' }),
    ApiBadRequestResponse({ type: ErrorResponse, description: 'Invalid parameters.' }),
  );

export const NotFound = (what: string) => ApiNotFoundResponse({ type: ErrorResponse, description: `Unknown ${what}.` });
