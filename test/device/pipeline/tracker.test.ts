import assert from 'node:assert/strict';
import test from 'node:test';
import type { Box, Detection } from '../../../models/boxes.js';
import { IouTracker, type TrackEvent } from '../../../device/tracking/index.js';

function det(label: string, box: Box, score = 0.9): Detection {
  return { label, classId: 0, score, box };
}

const shift = (b: Box, dx: number): Box => [b[0] + dx, b[1], b[2] + dx, b[3]];
const kinds = (events: TrackEvent[]) => events.map((e) => `${e.type}:${e.track_id}:${e.label}`);

test('an object keeps its id while it moves a little; one per label and box', () => {
  const tracker = new IouTracker({ updateIntervalMs: 1e9 });
  const person: Box = [100, 100, 200, 300];
  const car: Box = [300, 100, 500, 200];
  const f0 = tracker.update([det('person', person), det('car', car)], 0);
  assert.deepEqual(kinds(f0.events), ['new:1:person', 'new:2:car']);
  assert.deepEqual(f0.detections.map((d) => d.track_id), [1, 2]);
  // Listed in the other order, and moved by a few pixels.
  const f1 = tracker.update([det('car', shift(car, 10)), det('person', shift(person, 5))], 100);
  assert.deepEqual(f1.detections.map((d) => d.track_id), [2, 1]);
  assert.deepEqual(f1.events, []);
  assert.equal(tracker.activeTracks, 2);
});

test('a detection of another label over a track does not continue it', () => {
  const tracker = new IouTracker();
  const box: Box = [0, 0, 100, 100];
  tracker.update([det('dog', box)], 0);
  const f1 = tracker.update([det('cat', box)], 100);
  assert.equal(f1.detections[0]!.track_id, 2);
  assert.deepEqual(kinds(f1.events), ['new:2:cat']);
});

test('greedy matching gives each track the detection it overlaps most', () => {
  const tracker = new IouTracker({ matchIou: 0.1 });
  tracker.update([det('person', [0, 0, 100, 100]), det('person', [60, 0, 160, 100])], 0);
  // Both new boxes overlap both tracks; each should stay with its nearest.
  const f1 = tracker.update([det('person', [58, 0, 158, 100]), det('person', [2, 0, 102, 100])], 100);
  assert.deepEqual(f1.detections.map((d) => d.track_id), [2, 1]);
});

test('a track ends after maxMissed frames unseen; a shorter gap keeps it', () => {
  const tracker = new IouTracker({ maxMissed: 3, updateIntervalMs: 1e9 });
  const box: Box = [10, 10, 50, 50];
  tracker.update([det('cup', box, 0.8)], 1000);
  tracker.update([], 1100);
  tracker.update([], 1200);
  assert.equal(tracker.update([det('cup', box)], 1300).detections[0]!.track_id, 1, 'back after 2 missed frames');
  assert.deepEqual(tracker.update([], 1400).events, []);
  assert.deepEqual(tracker.update([], 1500).events, []);
  const end = tracker.update([], 1600).events;
  assert.deepEqual(end, [{ type: 'end', track_id: 1, label: 'cup', score: 0.9, box, first_seen: 1000, last_seen: 1300 }]);
  assert.equal(tracker.activeTracks, 0);
  assert.equal(tracker.update([det('cup', box)], 1700).detections[0]!.track_id, 2, 'a new object gets a new id');
});

test('with minHits, a track is confirmed only after that many frames in a row', () => {
  const tracker = new IouTracker({ minHits: 3 });
  const box: Box = [0, 0, 40, 40];
  assert.equal(tracker.update([det('bird', box)], 0).detections[0]!.track_id, undefined);
  // A miss drops an unconfirmed track quietly; counting starts again.
  assert.deepEqual(tracker.update([], 100).events, []);
  tracker.update([det('bird', box)], 200);
  tracker.update([det('bird', box)], 300);
  const f = tracker.update([det('bird', box)], 400);
  assert.equal(f.detections[0]!.track_id, 1);
  assert.deepEqual(f.events.map((e) => [e.type, e.first_seen, e.last_seen]), [['new', 200, 400]]);
});

test('update events are sparse: after updateIntervalMs, or at once when the box moved', () => {
  const tracker = new IouTracker({ updateIntervalMs: 1000, moveIou: 0.5 });
  const box: Box = [0, 0, 100, 100];
  tracker.update([det('car', box)], 0);
  const types: string[] = [];
  for (let ts = 100; ts <= 2500; ts += 100) types.push(...tracker.update([det('car', box)], ts).events.map((e) => `${e.type}@${ts}`));
  assert.deepEqual(types, ['update@1000', 'update@2000']);
  // Moved in steps that each continue the track; once the box is far from the last reported one: update.
  const moved: string[] = [];
  for (const [dx, ts] of [[20, 2600], [40, 2700], [60, 2800]] as const) moved.push(...tracker.update([det('car', shift(box, dx))], ts).events.map((e) => `${e.type}@${ts}`));
  assert.deepEqual(moved, ['update@2700']);
});

test('endAll ends every confirmed track, for a pipeline that stops', () => {
  const tracker = new IouTracker({ minHits: 2 });
  tracker.update([det('a', [0, 0, 10, 10]), det('b', [20, 20, 30, 30])], 0);
  tracker.update([det('a', [0, 0, 10, 10])], 100);
  assert.deepEqual(kinds(tracker.endAll()), ['end:1:a']);
  assert.equal(tracker.activeTracks, 0);
});

test('bad tracker options name the field', () => {
  assert.throws(() => new IouTracker({ matchIou: 0 }), /tracker options: field 'matchIou'/);
  assert.throws(() => new IouTracker({ maxMised: 3 } as never), /unknown field 'maxMised' \(valid: matchIou, minHits, maxMissed/);
});
