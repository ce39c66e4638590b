import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { MetricsService } from '../metrics/metrics.service.js';

const KNOWN_ROUTES = new Set(['/graphql', '/healthz', '/metrics']);

/** One structured log line and one metric sample per HTTP request. */
export function requestLogging(logger: Logger, metrics: MetricsService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    // Read before routing: mounted handlers rewrite request.path.
    const route = KNOWN_ROUTES.has(request.path) ? request.path : 'other';
    response.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.inc({ route, status: `${Math.floor(response.statusCode / 100)}xx` });
      metrics.requestDuration.observe({ route }, seconds);
      if (route !== '/metrics' && route !== '/healthz') {
        logger.info({ method: request.method, route, status: response.statusCode, ms: Math.round(seconds * 1000) }, 'request');
      }
    });
    next();
  };
}
