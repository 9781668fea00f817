/** Runtime statistics: latency percentiles per stage, fps, frame counts, temperature, throttling, memory. */
export { RuntimeStats, type FrameCounters, type RuntimeStatsOptions, type StatsSnapshot } from './runtime-stats.js';
export { StageLatency, STAGES, type Percentiles, type Stage } from './stage-latency.js';
export { RollingWindow } from './rolling-window.js';
export { FpsMeter } from './fps-meter.js';
export { CPU_THERMAL_ZONE, readCpuTemperature } from './thermal.js';
export { decodeThrottled, readThrottling, type ThrottleFlags, type Throttling } from './throttling.js';
