import { z } from 'zod';

const triple = z.tuple([z.number(), z.number(), z.number()]);

/**
 * How frame pixels become the model's input tensor. Values are in 0..255 pixel units:
 * input = (pixel - mean) / std, channel by channel, in the model's channel order.
 */
export const preprocessSchema = z
  .strictObject({
    color: z.enum(['RGB', 'BGR']).describe('channel order the model expects'),
    mean: triple.describe('per-channel mean, in the model channel order, pixel units'),
    std: triple.describe('per-channel std, in the model channel order, pixel units'),
    letterbox: z.enum(['topleft', 'center', 'stretch']).describe('topleft | center | stretch'),
    pad: z.number().int().min(0).max(255).describe('value of padding pixels'),
    resize: z
      .enum(['linear', 'cubic', 'lanczos3', 'nearest'])
      .default('linear')
      .describe('resampling kernel used to shrink or grow frames'),
  })
  .refine((p) => p.std.every((s) => s !== 0), { message: 'std values must not be 0', path: ['std'] });

export type PreprocessSpec = z.infer<typeof preprocessSchema>;
