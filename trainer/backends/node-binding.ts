/**
 * Loading @tensorflow/tfjs-node(-gpu) where it is installed. Their install downloads libtensorflow,
 * so they are optional: imported by a name TypeScript does not resolve (typed as the
 * @tensorflow/tfjs module they extend), and a missing package is a reason to try the next
 * backend, never a crash.
 */
import * as tf from '@tensorflow/tfjs';

export type NodeBindingPackage = '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node';

/** Imports the package so it registers its 'tensorflow' backend; returns why not when it cannot. */
export async function loadNodeBinding(pkg: NodeBindingPackage): Promise<string | undefined> {
  const name: string = pkg;
  let binding: Partial<typeof tf>;
  try {
    // A CommonJS package: its exports object is the default export.
    const mod = (await import(name)) as { default?: typeof tf } & typeof tf;
    binding = mod.default ?? mod;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND' ? 'not installed' : `failed to load: ${err.message.split('\n')[0]}`;
  }
  // A package resolving its own copy of tfjs-core registers the backend where argus cannot use it.
  if (binding.engine && binding.engine() !== tf.engine()) return 'loaded, but registered its backend with another copy of @tensorflow/tfjs-core';
  return tf.findBackendFactory('tensorflow') ? undefined : "loaded, but no 'tensorflow' backend was registered";
}
