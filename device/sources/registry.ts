import { ArgusError, UnknownKindError } from '../../models/errors.js';
import { resolveSourceOptions, type SourceOptionsInput } from './options.js';
import type { FrameSource, SourcePlugin } from './source.js';

const plugins = new Map<string, SourcePlugin>();

/** Adds a kind of source; a second one with the same kind is refused. */
export function registerSource(plugin: SourcePlugin): void {
  if (plugins.has(plugin.kind)) throw new ArgusError(`camera source '${plugin.kind}' is registered twice`);
  plugins.set(plugin.kind, plugin);
}

/** Registered kinds, sorted. */
export function sourceKinds(): string[] {
  return [...plugins.keys()].sort();
}

/** The spec forms of every registered kind, for help texts. */
export function sourceUsages(): string[] {
  return [...plugins.values()].map((p) => p.usage).sort();
}

/**
 * Splits a source spec into kind and argument: `video:a.mp4` → video, `a.mp4`;
 * a URL keeps its whole text as the argument (`rtsp://cam/1` → rtsp, `rtsp://cam/1`); `demo` → demo, ''.
 */
export function parseSourceSpec(spec: string): { kind: string; arg: string } {
  const url = /^([a-z][a-z0-9+.-]*):\/\//i.exec(spec);
  if (url) return { kind: url[1]!.toLowerCase(), arg: spec };
  const colon = spec.indexOf(':');
  return colon < 0 ? { kind: spec, arg: '' } : { kind: spec.slice(0, colon), arg: spec.slice(colon + 1) };
}

/**
 * Makes the source a spec names (`auto`, `libcamera`, `video:<file>`, `v4l2:/dev/videoN`,
 * `rtsp://…`, `images:<folder>`, `demo`). An unknown kind lists the valid ones; bad options name
 * their field. The source is not started.
 */
export function createSource(spec: string, opts: SourceOptionsInput = {}): FrameSource {
  const { kind, arg } = parseSourceSpec(spec.trim());
  const plugin = plugins.get(kind);
  if (!plugin) throw new UnknownKindError('camera source', kind || spec, sourceKinds());
  return plugin.create(arg, resolveSourceOptions(opts, `options of source '${spec}'`));
}
