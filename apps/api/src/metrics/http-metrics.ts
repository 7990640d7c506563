import type { NextFunction, Request, Response } from 'express';
import { Histogram, type Registry } from 'prom-client';
import { metricsPrefix } from '@escrow/runtime';
import { routePatternOf } from '../http/route-pattern';

/** From a cached read to a slow provider call behind a command. */
const requestDurationBucketsS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The label of requests no route took: unknown paths, and requests refused by the middleware
 * that runs before routing (a malformed query or body). Never the raw URL: every distinct path
 * would be a series of its own.
 */
export const unmatchedRoute = '(unmatched)';

/**
 * Measures every request from its arrival to the end of its response (or the client going
 * away), by method, the route's pattern as Nest declared it (`/v1/contracts/:cid`) and status.
 * An event feed (SSE) is counted when its stream ends, with the stream's whole duration.
 */
export function httpRequestMetrics(registry: Registry) {
  const duration = new Histogram({
    name: `${metricsPrefix}http_request_duration_seconds`,
    help: 'HTTP requests by method, route pattern and status, in seconds',
    labelNames: ['method', 'route', 'status'],
    buckets: requestDurationBucketsS,
    registers: [registry],
  });
  return (request: Request, response: Response, next: NextFunction): void => {
    const end = duration.startTimer();
    // 'close' comes after 'finish', and also when the client leaves before the answer ends.
    response.once('close', () => end({ method: request.method, route: routePatternOf(request) ?? unmatchedRoute, status: String(response.statusCode) }));
    next();
  };
}
