import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ManifestError } from './errors.js';
import './families/index.js';
import { getFamily } from './registry.js';
import { preprocessSchema } from './preprocess-spec.js';

export const MANIFEST_FILE = 'model.json';
export const PRECISIONS = ['fp32', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');

const onnxFileSchema = z.strictObject({
  file: z.string().regex(/^[^/\\]+\.onnx$/, 'expected a file name ending in .onnx, beside model.json'),
  sha256,
  bytes: z.number().int().positive().optional(),
});

/** The model manifest, model.json: everything needed to run an ONNX file beside it. */
export const manifestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, . _ - only, starting with a letter or digit'),
  family: z.string().min(1),
  description: z.string().optional(),
  labels: z.array(z.string().min(1)).min(1),
  input: z.strictObject({
    name: z.string().min(1),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    layout: z.literal('NCHW'),
  }),
  preprocess: preprocessSchema,
  /** Family head parameters, validated by the family's own schema. */
  head: z.record(z.string(), z.unknown()),
  postprocess: z
    .strictObject({
      scoreThreshold: z.number().min(0).max(1).default(0.35),
      iouThreshold: z.number().min(0).max(1).default(0.45),
      maxDetections: z.number().int().positive().default(100),
    })
    .prefault({}),
  files: z.strictObject({ fp32: onnxFileSchema, int8: onnxFileSchema.optional() }),
  precision: z.enum(PRECISIONS).default('fp32').describe('precision used when none is asked for'),
  source: z.record(z.string(), z.unknown()).optional(),
  calibration: z.record(z.string(), z.unknown()).optional(),
  quantization: z.record(z.string(), z.unknown()).optional(),
  evaluation: z.record(z.string(), z.unknown()).optional(),
  created: z.string().optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestInput = z.input<typeof manifestSchema>;

/** Checks a parsed manifest object; `file` only names it in errors. */
export function validateManifest(raw: unknown, file: string): Manifest {
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
    throw new ManifestError(file, issue.path.join('.'), issue.message + more);
  }
  const m = parsed.data;
  let family;
  try {
    family = getFamily(m.family);
  } catch (e) {
    throw new ManifestError(file, 'family', (e as Error).message, { cause: e });
  }
  const head = family.headSchema.safeParse(m.head);
  if (!head.success) {
    const issue = head.error.issues[0]!;
    throw new ManifestError(file, ['head', ...issue.path].join('.'), issue.message);
  }
  if (new Set(m.labels).size !== m.labels.length) throw new ManifestError(file, 'labels', 'labels must be unique');
  return { ...m, head: head.data as Record<string, unknown> };
}

export function readManifest(file: string): Manifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ManifestError(file, '', `cannot read manifest (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(file, '', `not valid JSON (${(e as Error).message})`, { cause: e });
  }
  return validateManifest(raw, file);
}

export function writeManifest(file: string, manifest: ManifestInput): Manifest {
  const checked = validateManifest(manifest, file);
  writeFileSync(file, JSON.stringify(checked, null, 2) + '\n');
  return checked;
}
