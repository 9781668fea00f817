/**
 * Readies an fp32 graph for QDQ: opset 13 (per-channel Q/DQ), and initializers out of the graph
 * inputs. PyTorch's older exports list every weight as a graph input too; onnxruntime must then
 * treat weights as overridable, so it neither folds constants nor fuses a weight's DQ into an
 * integer kernel.
 */
import type { ModelProto } from '../../onnx/index.js';
import { upgradeToOpset13 } from './opset.js';

export interface Prepared {
  fromOpset: number;
  /** Initializers that were also listed as graph inputs. */
  droppedInputs: number;
}

export function prepareForQdq(model: ModelProto, file: string): Prepared {
  const fromOpset = upgradeToOpset13(model, file);
  const graph = model.graph!;
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const before = (graph.input ?? []).length;
  graph.input = (graph.input ?? []).filter((i) => !initializers.has(i.name ?? ''));
  return { fromOpset, droppedInputs: before - graph.input.length };
}
