/** The body of `/healthz`. */
export interface Health {
  status: 'ok' | 'unhealthy';
  /** Why it is unhealthy; absent when ok. */
  reason?: string;
  /** Seconds since the latest frame was processed; null before the first. */
  last_frame_age_s: number | null;
  /** The window from the config (`http.healthWindowS`). */
  window_s: number;
  /** Frames processed since start. */
  frames_processed: number;
}

const s1 = (ms: number) => Math.round(ms / 100) / 10;
/** Rounded up, so a stale age never reads as within the window. */
const s1up = (ms: number) => Math.ceil(ms / 100) / 10;

/**
 * Healthy while a frame was processed within the last `windowS` seconds: a camera that stopped,
 * a stuck inference or a dead pipeline all show as 503, whatever the process itself says.
 */
export function health(lastFrameAt: number | null, processed: number, startedAt: number, windowS: number, now = Date.now()): Health {
  const base = { window_s: windowS, frames_processed: processed };
  if (lastFrameAt === null) {
    return { status: 'unhealthy', reason: `no frame processed yet (started ${s1(now - startedAt)} s ago)`, last_frame_age_s: null, ...base };
  }
  const age = now - lastFrameAt;
  if (age <= windowS * 1000) return { status: 'ok', last_frame_age_s: s1(age), ...base };
  return {
    status: 'unhealthy',
    reason: `no frame processed in the last ${windowS} s (the latest ${s1up(age)} s ago): is the camera delivering frames?`,
    last_frame_age_s: s1up(age),
    ...base,
  };
}
