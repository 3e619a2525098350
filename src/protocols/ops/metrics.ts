import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The server's Prometheus metrics, in a registry of its own (never prom-client's global one,
 * so two servers in one process, as in tests, do not share counters).
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'voxgate_requests_total',
    help: 'Requests answered, by API, operation and HTTP status.',
    labelNames: ['api', 'operation', 'status'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'voxgate_errors_total',
    help: 'Requests answered with a catalogued error, by API, operation and error name.',
    labelNames: ['api', 'operation', 'error'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'voxgate_request_duration_seconds',
    help: 'Time from request received to response sent, by API and operation.',
    labelNames: ['api', 'operation'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'voxgate_' });
  }
}
