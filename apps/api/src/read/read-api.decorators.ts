import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBadRequestResponse, ApiNotFoundResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { API_TOKEN_SCHEME, ApiTokenGuard } from '../auth/api-token.guard.js';
import { ErrorResponse } from '../http/query.js';

/** Bearer-token protection and its documented answers, for every read and admin controller. */
export const BearerProtected = () =>
  applyDecorators(
    UseGuards(ApiTokenGuard),
    ApiBearerAuth(API_TOKEN_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or wrong `Authorization: Bearer` token.' }),
    ApiBadRequestResponse({ type: ErrorResponse, description: 'Invalid parameters.' }),
  );

export const NotFound = (what: string) => ApiNotFoundResponse({ type: ErrorResponse, description: `Unknown ${what}.` });
