import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { CORRELATION_HEADER, RequestContext, sanitizeCorrelationId } from '../context/request-context';
import { maskDigits, redactPersonalData } from './personal-data-redactor';

export interface LoggingOptions {
  serviceName: string;
  level: string;
  pretty: boolean;
}

export function pinoOptions(options: LoggingOptions) {
  return {
    name: options.serviceName,
    level: options.level,
    base: { service: options.serviceName },
    messageKey: 'msg',
    // Every line carries the correlation id of the operation that caused it, HTTP or not.
    mixin: () => {
      const context = RequestContext.current();
      return context ? { correlationId: context.correlationId, causationId: context.causationId ?? undefined } : {};
    },
    formatters: { log: (record: Record<string, unknown>) => redactPersonalData(record) as Record<string, unknown> },
    hooks: {
      logMethod(this: unknown, args: unknown[], method: (...parts: unknown[]) => void) {
        method.apply(this, args.map((part) => (typeof part === 'string' ? maskDigits(part) : part)));
      },
    },
    ...(options.pretty ? { transport: { target: 'pino-pretty' } } : {}),
  };
}

@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            ...pinoOptions(options),
            genReqId: (request: IncomingMessage) =>
              sanitizeCorrelationId(request.headers[CORRELATION_HEADER]) ?? RequestContext.current()?.correlationId ?? randomUUID(),
            serializers: {
              req: (request: { id: unknown; method: string; url: string }) => ({ id: request.id, method: request.method, url: maskDigits(request.url) }),
            },
            autoLogging: { ignore: (request: IncomingMessage) => request.url === '/health' || request.url === '/metrics' },
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
