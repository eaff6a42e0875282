import { Logger } from '@nestjs/common';
import { logLevel, type LogEntry } from 'kafkajs';

/** Routes kafkajs' own logging through the service logger (and so through redaction). */
export function kafkaLogCreator(serviceName: string) {
  const logger = new Logger(`kafkajs:${serviceName}`);
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      if (level === logLevel.ERROR) logger.error(extra, message);
      else if (level === logLevel.WARN) logger.warn(extra, message);
    };
}
