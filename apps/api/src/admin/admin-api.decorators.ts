import { applyDecorators, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { ADMIN_TOKEN_SCHEME, AdminTokenGuard } from '../auth/admin-token.guard.js';
import { ErrorResponse } from '../http/query.js';

/** The admin API's credential (ADMIN_API_TOKEN, never the read token) and its documented answers. */
export const AdminProtected = () =>
  applyDecorators(
    UseGuards(AdminTokenGuard),
    ApiBearerAuth(ADMIN_TOKEN_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or wrong `Authorization: Bearer $ADMIN_API_TOKEN`.' }),
    ApiTooManyRequestsResponse({ type: ErrorResponse, description: 'Too many failed authentications from this address this minute.' }),
    ApiBadRequestResponse({ type: ErrorResponse, description: 'Invalid parameters.' }),
    ApiUnsupportedMediaTypeResponse({ type: ErrorResponse, description: 'A body that is not `application/json`.' }),
  );
