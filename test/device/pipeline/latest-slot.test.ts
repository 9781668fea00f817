import assert from 'node:assert/strict';
import test from 'node:test';
import { LatestSlot } from '../../../device/pipeline/index.js';

test('a slow consumer gets the newest item; replaced ones are counted as dropped', async () => {
  const slot = new LatestSlot<number>();
  const got: number[] = [];
  let release: () => void = () => undefined;
  // The consumer takes an item, then is busy until released, as inference is.
  const consumer = (async () => {
    for (let item = await slot.take(); item !== null; item = await slot.take()) {
      got.push(item);
      await new Promise<void>((r) => (release = r));
    }
  })();
  slot.put(1); // taken at once: the consumer was waiting
  await Promise.resolve();
  slot.put(2);
  slot.put(3);
  slot.put(4); // 2 and 3 replaced while the consumer is busy with 1
  assert.equal(slot.dropped, 2);
  release();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, [1, 4]);
  slot.put(5);
  slot.put(6);
  release();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, [1, 4, 6]);
  assert.equal(slot.dropped, 3);
  slot.close();
  release();
  await consumer;
});

test('close() wakes a waiting consumer with null, discards a waiting item and ignores later puts', async () => {
  const slot = new LatestSlot<string>();
  const waiting = slot.take();
  slot.close();
  assert.equal(await waiting, null);

  const other = new LatestSlot<string>();
  other.put('a');
  other.close();
  other.put('b');
  assert.equal(await other.take(), null);
  assert.equal(other.dropped, 0);
});

test('a second concurrent take() is refused: the slot has one consumer', async () => {
  const slot = new LatestSlot<number>();
  const first = slot.take();
  await assert.rejects(slot.take(), /another take\(\) is still waiting/);
  slot.put(7);
  assert.equal(await first, 7);
});
