import { z } from 'zod';

/**
 * The `http` section of the config: the device's web page (live view, detections, stats),
 * `/healthz`, `/metrics` and `/snapshot.jpg`.
 */
export const httpOptionsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('serve the web page; false (or --no-http) turns it off'),
    port: z.number().int().min(0).max(65535).default(8080).describe('TCP port; 0: any free port (logged)'),
    host: z.string().min(1).default('0.0.0.0').describe('address to listen on; 127.0.0.1 keeps the page off the network'),
    username: z.string().min(1).optional().describe('basic auth user; with password, asked on everything but /healthz'),
    password: z.string().min(1).optional().describe('basic auth password'),
    healthWindowS: z
      .number()
      .positive()
      .max(3600)
      .default(10)
      .describe('/healthz answers 200 while a frame was processed in the last this many seconds, else 503'),
  })
  .refine((h) => (h.username === undefined) === (h.password === undefined), {
    message: 'basic auth needs both username and password',
    path: ['password'],
  });

export type HttpOptions = z.infer<typeof httpOptionsSchema>;
export type HttpOptionsInput = z.input<typeof httpOptionsSchema>;
