/** Reading and writing ONNX ModelProto files. */
import { readFile, writeFile } from 'node:fs/promises';
import { ModelFileError } from '../../models/errors.js';
import { onnx, type ModelProto } from './proto.js';

/** Serialises a model to protobuf bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** Parses protobuf bytes; `file` only names the source in errors. */
export function decodeModel(bytes: Uint8Array, file = '<bytes>'): ModelProto {
  try {
    const model = onnx.ModelProto.decode(bytes);
    if (!model.graph) throw new Error('no graph in the model');
    return model;
  } catch (err) {
    throw new ModelFileError(file, `not a readable ONNX model: ${(err as Error).message}`, { cause: err });
  }
}

export async function readModel(file: string): Promise<ModelProto> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new ModelFileError(file, `cannot read: ${(err as Error).message}`, { cause: err });
  }
  return decodeModel(bytes, file);
}

export async function writeModel(file: string, model: ModelProto): Promise<Uint8Array> {
  const bytes = encodeModel(model);
  await writeFile(file, bytes);
  return bytes;
}
