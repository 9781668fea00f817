import type { Box, Detection } from '../../models/boxes.js';

/** A tracked object appeared, is still there (sparse), or is gone. */
export interface TrackEvent {
  type: 'new' | 'update' | 'end';
  track_id: number;
  label: string;
  /** Score of its latest detection. */
  score: number;
  /** Its latest box, in frame pixels. */
  box: Box;
  /** Capture times (ms since the epoch) of the first and latest frame it was seen in. */
  first_seen: number;
  last_seen: number;
}

/** A detection with the id of the track it belongs to; none while the track is not yet confirmed. */
export interface TrackedDetection extends Detection {
  track_id?: number;
}
