/**
 * The device's web page and endpoints: live annotated view (MJPEG), latest detections, stats and
 * model, `/healthz` for health checks and `/metrics` for Prometheus.
 */
export { HttpServer, type HttpServerDeps } from './http-server.js';
export { httpOptionsSchema, type HttpOptions, type HttpOptionsInput } from './options.js';
export type { DeviceInfo, DeviceView } from './types.js';
export { health, type Health } from './health.js';
export { renderMetrics, METRICS_CONTENT_TYPE, type MetricsInput } from './metrics.js';
export { hideCredentials } from './redact.js';
