/**
 * `argus bench`: inference latency on the device, per stage and for the whole pipeline, fp32 and
 * int8 at several thread counts, with the model's cost (parameters, MACs, achieved GOPS).
 */
export { BENCH_DEFAULTS, runBench, type BenchOptions } from './run-bench.js';
export { BENCH_STAGES, type BenchReport, type BenchRun, type BenchStage, type PipelineMeasure, type MachineReading } from './report.js';
export { formatBenchTable } from './format-table.js';
export { BenchPublisher } from './publish-report.js';
export { loadBenchFrames, type BenchFrames } from './frames.js';
export { modelCost, type ModelCost } from './model-cost.js';
export { OnDemandSource } from './on-demand-source.js';
export { summarize, type Summary } from './summary.js';
