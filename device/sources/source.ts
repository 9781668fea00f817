import type { EventEmitter } from 'node:events';
import type { SourceOptions } from './options.js';

/** One camera frame, as the source delivered it. */
export interface Frame {
  /** Numbers the frames this source handed out, from 0, across process restarts. */
  seq: number;
  /** When the frame arrived from the camera process or file, ms since the epoch. */
  ts: number;
  /** The frame as a JPEG (SOI..EOI checked, not decoded). */
  jpeg: Buffer;
}

/** Counters of a source since it was created. */
export interface SourceStats {
  /** Frames handed out. */
  frames: number;
  /** Frames skipped as undecodable, by the source or reported by its consumer. */
  corrupt: number;
  /** Times the camera process was started again after it exited. */
  restarts: number;
  /** When the latest frame was handed out (ms since the epoch), null before the first. */
  lastFrameAt: number | null;
}

/** What a source emits: `frame` for every good frame, `end` once when a finite input is done. */
export interface SourceEvents {
  frame: [Frame];
  end: [];
}

/**
 * A camera: a stream of JPEG frames. Sources never throw once started: a dead process is restarted
 * with backoff and a bad frame is counted and skipped.
 */
export interface FrameSource extends EventEmitter<SourceEvents> {
  /** What it reads, for logs: `libcamera (/usr/bin/rpicam-vid 640x480@10)`, `video:clip.mp4`. */
  readonly name: string;
  /** Begins capture. A source starts once. */
  start(): void;
  /** Ends capture and its process; resolves when nothing of it runs any more. */
  stop(): Promise<void>;
  stats(): SourceStats;
  /** The consumer could not decode a frame this source handed out: counted as corrupt. */
  countCorrupt(): void;
}

/** A kind of source, registered under the first part of a source spec (`video` in `video:a.mp4`). */
export interface SourcePlugin {
  readonly kind: string;
  /** The spec's form for help and errors, e.g. `video:<file>`. */
  readonly usage: string;
  /** Makes a source from the part of the spec after `kind:` (the whole URL for `rtsp://…`). */
  create(arg: string, opts: SourceOptions): FrameSource;
}
