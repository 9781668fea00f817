import type { Precision } from '../../models/manifest.js';
import type { StatsPayload } from '../mqtt/payloads.js';

/** Who this device is and what it runs, for the page header and `argus_*_info` metrics. */
export interface DeviceInfo {
  device_id: string;
  version: string;
  /** The source spec, e.g. `demo` or `libcamera`. */
  source: string;
  /** ISO time the runtime started. */
  started: string;
  model: {
    name: string;
    family: string;
    precision: Precision;
    input: { w: number; h: number };
    /** Number of class labels the model knows. */
    labels: number;
  };
}

/**
 * What the web server asks of the running device. The runtime implements it; tests pass a stand-in.
 * Frame results are pushed with `HttpServer.update`, everything else is asked for per request.
 */
export interface DeviceView {
  info(): DeviceInfo;
  /** The same JSON as `argus/<id>/stats`; null while the pipeline is not running yet. */
  stats(): Promise<StatsPayload | null>;
}
