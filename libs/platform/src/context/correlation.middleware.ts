import { randomUUID } from 'node:crypto';
import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CORRELATION_HEADER, RequestContext, sanitizeCorrelationId } from './request-context';

/** Starts the request context; the correlation id comes from the caller or is made here, and is echoed back. */
@Injectable()
export class CorrelationMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    const correlationId = sanitizeCorrelationId(request.headers[CORRELATION_HEADER]) ?? randomUUID();
    // The HTTP logger may run before or after this middleware; both read the same header.
    request.headers[CORRELATION_HEADER] = correlationId;
    response.setHeader(CORRELATION_HEADER, correlationId);
    RequestContext.run({ correlationId }, next);
  }
}
