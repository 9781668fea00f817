import { hostname } from 'node:os';
import { z } from 'zod';
import { DEFAULT_MODEL } from '../../models/default-model.js';
import { PRECISIONS } from '../../models/manifest.js';
import { httpOptionsSchema } from '../http/options.js';
import { sourceOptionsSchema } from '../sources/options.js';
import { trackerOptionsSchema } from '../tracking/options.js';

const qos = z.union([z.literal(0), z.literal(1), z.literal(2)]);

function defaultDeviceId(): string {
  return hostname().toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'argus';
}

/**
 * The device runtime's configuration, every key with its default. Sources of values, weakest
 * first: these defaults, the config file (`--config` / `$ARGUS_CONFIG`, YAML or JSON), environment
 * variables (`ARGUS_*`), command-line flags. Unknown keys are refused.
 */
export const configSchema = z.strictObject({
  deviceId: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only (it is an MQTT topic level)')
    .default(defaultDeviceId)
    .describe('MQTT topic level of this device; default: the host name'),
  source: z.string().min(1).default('auto').describe('auto | demo | libcamera | video:<file> | v4l2:/dev/videoN | rtsp://… | images:<folder>'),
  camera: sourceOptionsSchema.prefault({}).describe('capture size, rate and restart policy of the source'),
  model: z.string().min(1).default(DEFAULT_MODEL).describe('model name in the store, or a model folder'),
  precision: z.enum(PRECISIONS).default('int8').describe('int8 when the model has it, else fp32 with a warning'),
  threads: z.number().int().min(1).max(64).optional().describe('inference threads; default: one per core but one, left to decoding and publishing'),
  threshold: z.number().min(0).max(1).optional().describe('minimum score; default: the model manifest'),
  labels: z.array(z.string().min(1)).optional().describe('report only these labels'),
  broker: z
    .strictObject({
      url: z
        .string()
        .regex(/^(embedded|(mqtts?|wss?):\/\/.+)$/, "expected 'embedded' or an mqtt://, mqtts://, ws:// or wss:// URL")
        .default('embedded'),
      host: z.string().default('127.0.0.1').describe('address the embedded broker listens on'),
      port: z.number().int().min(0).max(65535).default(1883).describe('port of the embedded broker'),
      username: z.string().optional(),
      password: z.string().optional(),
      ca: z.string().optional().describe('PEM file of a private CA'),
      cert: z.string().optional().describe('PEM client certificate'),
      key: z.string().optional().describe('PEM client key'),
      rejectUnauthorized: z.boolean().default(true),
      clientId: z.string().optional().describe("default: 'argus-' + deviceId"),
    })
    .prefault({}),
  mqtt: z
    .strictObject({
      prefix: z.string().regex(/^[^#+]+$/).default('argus'),
      qos: z.strictObject({ status: qos.default(1), events: qos.default(1), detections: qos.default(0) }).prefault({}),
      queueSize: z.number().int().min(0).default(1000).describe('messages kept while the broker is away'),
      statsIntervalS: z.number().min(1).default(10),
      publishEmpty: z.boolean().default(false).describe('publish detections for frames with nothing found'),
      homeAssistant: z
        .strictObject({
          enabled: z.boolean().default(true),
          prefix: z.string().default('homeassistant'),
          labels: z.array(z.string()).default(['person', 'car', 'bicycle', 'dog', 'cat']).describe('labels that get a count sensor'),
        })
        .prefault({}),
    })
    .prefault({}),
  tracking: trackerOptionsSchema.prefault({}),
  http: httpOptionsSchema.prefault({}).describe('the web page: live view, detections, stats, /healthz, /metrics'),
  modelsDir: z.string().optional().describe('model store; default $ARGUS_MODELS or models/store'),
});

export type Config = z.infer<typeof configSchema>;
