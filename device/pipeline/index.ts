/**
 * The detection pipeline: a source's frames through a latest-frame slot into a detector, filtered
 * and tracked, as per-frame results and tracking events.
 */
export { DetectionPipeline } from './detection-pipeline.js';
export { LatestSlot } from './latest-slot.js';
export type { FrameResult, PipelineDetector, PipelineEvents, PipelineOptions } from './types.js';
