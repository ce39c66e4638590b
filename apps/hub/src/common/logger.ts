import { LoggerService } from '@nestjs/common';
import { pino, Logger } from 'pino';

export function createRootLogger(level: string): Logger {
  return pino({ level, base: { service: 'kessetsu-hub' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** Routes Nest's own log lines into the same structured JSON stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
