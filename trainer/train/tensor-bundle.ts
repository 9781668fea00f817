/**
 * Named float32 tensors in one binary file, their names and shapes in a JSON index kept by the
 * caller: how checkpoints store optimizer slots and EMA weights, byte for byte.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { TrainError } from './errors.js';

export interface BundleEntry {
  key: string;
  shape: number[];
}

export async function writeTensorBundle(file: string, tensors: ReadonlyMap<string, tf.Tensor>): Promise<BundleEntry[]> {
  const entries: BundleEntry[] = [];
  const parts: Buffer[] = [];
  for (const [key, t] of tensors) {
    const data = (await t.data()) as Float32Array;
    entries.push({ key, shape: [...t.shape] });
    parts.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
  await writeFile(file, Buffer.concat(parts));
  return entries;
}

export async function readTensorBundle(file: string, entries: readonly BundleEntry[]): Promise<Map<string, tf.Tensor>> {
  const bytes = await readFile(file);
  const total = entries.reduce((s, e) => s + e.shape.reduce((a, b) => a * b, 1), 0);
  if (bytes.byteLength !== total * 4) throw new TrainError(`${file}: ${bytes.byteLength} bytes, but its index lists ${total} float32 values (${total * 4} bytes)`);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const out = new Map<string, tf.Tensor>();
  let at = 0;
  for (const e of entries) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    out.set(e.key, tf.tensor(data.subarray(at, at + n), e.shape, 'float32'));
    at += n;
  }
  return out;
}
