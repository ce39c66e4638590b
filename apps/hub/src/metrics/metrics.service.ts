import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The hub's Prometheus registry; one per application instance so tests can run several. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'kessetsu_http_requests_total',
    help: 'HTTP requests served, by route and status class.',
    labelNames: ['route', 'status'],
    registers: [this.registry],
  });

  readonly graphqlOperations = new Counter({
    name: 'kessetsu_graphql_operations_total',
    help: 'GraphQL operations executed, by type and outcome.',
    labelNames: ['type', 'outcome'],
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'kessetsu_http_request_duration_seconds',
    help: 'HTTP request duration.',
    labelNames: ['route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly signalsPublished = new Counter({
    name: 'kessetsu_signals_published_total',
    help: 'Signals committed (duplicates of an already stored sourceRef are not counted).',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  readonly liveSubscribers = new Gauge({
    name: 'kessetsu_live_subscribers',
    help: 'Active live-feed subscriptions in this process.',
    labelNames: ['feed'],
    registers: [this.registry],
  });

  readonly openIncidentsHeld = new Gauge({
    name: 'kessetsu_correlation_open_incidents',
    help: 'Open incidents this process holds in memory for correlation, as of its last publishing transaction.',
    registers: [this.registry],
  });

  readonly writesOnAssumptions = new Counter({
    name: 'kessetsu_writes_on_assumptions_total',
    help: 'Publishing transactions written whole before holding the write lock, on assumptions checked under it, by whether they committed or failed (and were written again after a read).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });


  readonly liveConnections = new Gauge({
    name: 'kessetsu_live_connections',
    help: 'Open graphql-ws connections in this process.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'kessetsu_' });
  }
}
