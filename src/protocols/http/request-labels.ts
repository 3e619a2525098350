/**
 * What each request is, for logs and metrics: which API and operation it called and which
 * catalogued error (if any) it answered. Set by the front doors, read by the metrics hook.
 */
export interface RequestLabels {
  api: string;
  operation: string;
  errorName: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    labels: RequestLabels;
  }
}
