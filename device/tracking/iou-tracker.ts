import { iou, type Box, type Detection } from '../../models/boxes.js';
import type { TrackedDetection, TrackEvent } from './events.js';
import { resolveTrackerOptions, type TrackerOptions, type TrackerOptionsInput } from './options.js';

interface Track {
  /** Given when the track is confirmed (seen `minHits` frames in a row). */
  id: number | null;
  label: string;
  box: Box;
  score: number;
  hits: number;
  missed: number;
  firstSeen: number;
  lastSeen: number;
  reportedAt: number;
  reportedBox: Box;
}

export interface TrackerUpdate {
  /** The frame's detections in their order, with `track_id` on those of confirmed tracks. */
  detections: TrackedDetection[];
  events: TrackEvent[];
}

/**
 * Gives detections stable ids across frames by greedy IoU matching per label (highest IoU pairs
 * first), and reports tracks as sparse events: `new` once confirmed, `update` at most every
 * `updateIntervalMs` or when the box moved, `end` after `maxMissed` frames unseen. No motion model:
 * at the few fps of an edge device, objects move little between frames, and a label never changes
 * within a track.
 */
export class IouTracker {
  readonly options: TrackerOptions;
  private tracks: Track[] = [];
  private nextId = 1;

  constructor(opts: TrackerOptionsInput = {}) {
    this.options = resolveTrackerOptions(opts);
  }

  /** Confirmed tracks alive now. */
  get activeTracks(): number {
    return this.tracks.filter((t) => t.id !== null).length;
  }

  /** Feeds one frame's detections, captured at `ts` (ms since the epoch). */
  update(detections: readonly Detection[], ts: number): TrackerUpdate {
    const events: TrackEvent[] = [];
    const trackOf = this.match(detections);
    const out: TrackedDetection[] = detections.map((d) => ({ ...d }));

    const seen = new Set<Track>();
    detections.forEach((d, i) => {
      let t = trackOf[i];
      if (t) {
        t.box = d.box;
        t.score = d.score;
        t.hits++;
        t.missed = 0;
        t.lastSeen = ts;
      } else {
        t = { id: null, label: d.label, box: d.box, score: d.score, hits: 1, missed: 0, firstSeen: ts, lastSeen: ts, reportedAt: ts, reportedBox: d.box };
        this.tracks.push(t);
      }
      seen.add(t);
      if (t.id === null && t.hits >= this.options.minHits) {
        t.id = this.nextId++;
        this.report(t, 'new', ts, events);
      } else if (t.id !== null && (ts - t.reportedAt >= this.options.updateIntervalMs || iou(t.box, t.reportedBox) < this.options.moveIou)) {
        this.report(t, 'update', ts, events);
      }
      if (t.id !== null) out[i]!.track_id = t.id;
    });

    this.tracks = this.tracks.filter((t) => {
      if (seen.has(t)) return true;
      t.missed++;
      // A track not yet confirmed must be seen in consecutive frames; one miss drops it quietly.
      if (t.id === null) return false;
      if (t.missed < this.options.maxMissed) return true;
      events.push(eventOf(t, 'end'));
      return false;
    });
    return { detections: out, events };
  }

  /** Ends every confirmed track (the pipeline stops) and forgets all. */
  endAll(): TrackEvent[] {
    const events = this.tracks.filter((t) => t.id !== null).map((t) => eventOf(t, 'end'));
    this.tracks = [];
    return events;
  }

  /** For each detection, the track it continues, or undefined: greedy over IoU, same label only. */
  private match(detections: readonly Detection[]): (Track | undefined)[] {
    const pairs: { t: Track; d: number; iou: number }[] = [];
    for (const t of this.tracks) {
      detections.forEach((d, i) => {
        if (d.label !== t.label) return;
        const o = iou(t.box, d.box);
        if (o >= this.options.matchIou) pairs.push({ t, d: i, iou: o });
      });
    }
    pairs.sort((a, b) => b.iou - a.iou);
    const trackOf: (Track | undefined)[] = new Array(detections.length);
    const taken = new Set<Track>();
    for (const p of pairs) {
      if (trackOf[p.d] || taken.has(p.t)) continue;
      trackOf[p.d] = p.t;
      taken.add(p.t);
    }
    return trackOf;
  }

  private report(t: Track, type: 'new' | 'update', ts: number, events: TrackEvent[]): void {
    t.reportedAt = ts;
    t.reportedBox = t.box;
    events.push(eventOf(t, type));
  }
}

function eventOf(t: Track, type: TrackEvent['type']): TrackEvent {
  return { type, track_id: t.id!, label: t.label, score: t.score, box: t.box, first_seen: t.firstSeen, last_seen: t.lastSeen };
}
