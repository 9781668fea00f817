import { existsSync } from 'node:fs';
import { ArgusError } from '../../models/errors.js';
import { log } from '../log.js';
import { demoSource } from './demo.js';
import { findLibcameraTool, libcameraSource } from './libcamera.js';
import type { SourceOptions } from './options.js';
import type { FrameSource, SourcePlugin } from './source.js';
import { v4l2Source } from './v4l2.js';

/** The first V4L2 camera, what a USB webcam becomes. */
const DEFAULT_V4L2_DEVICE = '/dev/video0';

export interface AutoChoice {
  plugin: SourcePlugin;
  arg: string;
  /** Why, for the log. */
  reason: string;
}

/** What this machine has, asked by `chooseAutoSource` (replaceable in tests). */
export interface AutoProbe {
  libcameraTool(): string | null;
  exists(path: string): boolean;
}

const machine: AutoProbe = { libcameraTool: findLibcameraTool, exists: existsSync };

/** The Pi camera when its tools are installed, else the first V4L2 camera, else the demo photos. */
export function chooseAutoSource(probe: AutoProbe = machine): AutoChoice {
  const tool = probe.libcameraTool();
  if (tool) return { plugin: libcameraSource, arg: '', reason: `${tool} is on PATH` };
  if (probe.exists(DEFAULT_V4L2_DEVICE)) {
    return { plugin: v4l2Source, arg: DEFAULT_V4L2_DEVICE, reason: `no rpicam-vid or libcamera-vid on PATH, and ${DEFAULT_V4L2_DEVICE} exists` };
  }
  return { plugin: demoSource, arg: '', reason: `no rpicam-vid or libcamera-vid on PATH and no ${DEFAULT_V4L2_DEVICE}` };
}

function create(arg: string, opts: SourceOptions): FrameSource {
  if (arg) throw new ArgusError(`camera source 'auto:${arg}': auto takes no argument`);
  const choice = chooseAutoSource();
  const spec = choice.arg ? `${choice.plugin.kind}:${choice.arg}` : choice.plugin.kind;
  log.info({ source: spec }, `camera source auto: chose ${spec} because ${choice.reason}`);
  return choice.plugin.create(choice.arg, opts);
}

/** `auto` (the default): libcamera, else /dev/video0, else demo; logs which and why. */
export const autoSource: SourcePlugin = { kind: 'auto', usage: 'auto', create };
