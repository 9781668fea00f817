/** Object tracking: stable track ids for detections across frames, and sparse new/update/end events. */
export { IouTracker, type TrackerUpdate } from './iou-tracker.js';
export { resolveTrackerOptions, trackerOptionsSchema, type TrackerOptions, type TrackerOptionsInput } from './options.js';
export type { TrackedDetection, TrackEvent } from './events.js';
