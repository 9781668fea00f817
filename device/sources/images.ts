import { ArgusError } from '../../models/errors.js';
import { ImageFolderSource } from './image-folder-source.js';
import type { SourceOptions } from './options.js';
import type { FrameSource, SourcePlugin } from './source.js';

function create(folder: string, opts: SourceOptions): FrameSource {
  if (!folder) throw new ArgusError("camera source 'images:': no folder named: write it as 'images:<folder>'");
  return new ImageFolderSource(`images:${folder}`, folder, opts.fps, 'images:<folder>');
}

/** `images:<folder>`: a folder's images looped at `fps`, for testing a model on known pictures. */
export const imagesSource: SourcePlugin = { kind: 'images', usage: 'images:<folder>', create };
