/**
 * Camera sources: plug-ins registered by kind, made from a spec string by `createSource`.
 * Importing this module registers the built-in kinds.
 */
import { autoSource } from './auto.js';
import { demoSource } from './demo.js';
import { imagesSource } from './images.js';
import { libcameraSource } from './libcamera.js';
import { registerSource } from './registry.js';
import { rtspSource, rtspsSource } from './rtsp.js';
import { v4l2Source } from './v4l2.js';
import { videoSource } from './video.js';

for (const plugin of [autoSource, libcameraSource, videoSource, v4l2Source, rtspSource, rtspsSource, imagesSource, demoSource]) {
  registerSource(plugin);
}

export type { Frame, FrameSource, SourceEvents, SourcePlugin, SourceStats } from './source.js';
export { backoffSchema, resolveSourceOptions, sourceOptionsSchema } from './options.js';
export type { BackoffOptions, SourceOptions, SourceOptionsInput } from './options.js';
export { createSource, parseSourceSpec, registerSource, sourceKinds, sourceUsages } from './registry.js';
export { chooseAutoSource, type AutoChoice, type AutoProbe } from './auto.js';
export { demoFolder } from './demo.js';
export { findLibcameraTool, libcameraArgs, LIBCAMERA_TOOLS } from './libcamera.js';
export { jpegProblem } from './jpeg-check.js';
export { SourceBase } from './source-base.js';
export { ProcessSource, type ProcessCommand } from './process-source.js';
export { ImageFolderSource } from './image-folder-source.js';
export { autoSource, demoSource, imagesSource, libcameraSource, rtspSource, rtspsSource, v4l2Source, videoSource };
