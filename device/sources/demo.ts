import { join } from 'node:path';
import { ArgusError } from '../../models/errors.js';
import { projectRoot } from '../../models/paths.js';
import { ImageFolderSource } from './image-folder-source.js';
import type { SourceOptions } from './options.js';
import type { FrameSource, SourcePlugin } from './source.js';

/**
 * The demo photos (device/demo/, licences in its NOTICE), found from the project root so the
 * compiled code in dist/ reads the same files.
 */
export function demoFolder(): string {
  return join(projectRoot(), 'device', 'demo');
}

const DEMO_SECONDS_PER_PHOTO = 4;

function create(arg: string, opts: SourceOptions): FrameSource {
  if (arg) throw new ArgusError(`camera source 'demo:${arg}': demo takes no argument (for your own pictures use images:<folder>)`);
  // Each photo stays for a few seconds, so tracks and counts behave as with a real scene.
  return new ImageFolderSource('demo', demoFolder(), opts.fps, 'demo', Math.max(1, Math.round(opts.fps * DEMO_SECONDS_PER_PHOTO)));
}

/** `demo`: a loop of a few photos with a person, a cup and a cat, for machines without a camera. */
export const demoSource: SourcePlugin = { kind: 'demo', usage: 'demo', create };
