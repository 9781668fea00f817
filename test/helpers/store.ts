import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelStore } from '../../models/store.js';
import { addModel } from '../../trainer/store/add-model.js';
import { sharedDir } from '../../models/paths.js';

export function tempStore(): ModelStore {
  return new ModelStore(mkdtempSync(join(tmpdir(), 'argus-store-')));
}

/** A store holding one of the shared reference models under its file name. */
export async function storeWith(model: 'yolox_nano' | 'nanodet_m_416' | 'nanodet_m_320'): Promise<ModelStore> {
  const store = tempStore();
  const shared = sharedDir();
  await addModel(store, join(shared, 'models', `${model}.onnx`), {
    family: model.startsWith('yolox') ? 'yolox' : 'nanodet',
    labelsFile: join(shared, 'data', 'coco128', 'coco80.names'),
  });
  return store;
}
