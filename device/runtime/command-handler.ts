import type { ModelStore } from '../../models/store.js';
import { annotateJpeg } from '../detect/annotate.js';
import type { Detector } from '../detect/detector.js';
import { log } from '../log.js';
import { parseCommand, type Command } from '../mqtt/commands.js';
import type { ReplyPayload } from '../mqtt/payloads.js';
import type { MqttPublisher } from '../mqtt/publisher.js';
import type { Topics } from '../mqtt/topics.js';
import type { DetectionPipeline, FrameResult } from '../pipeline/index.js';
import { openDetector, type ModelChoice } from './open-detector.js';

export interface CommandContext {
  topics: Topics;
  publisher: MqttPublisher;
  pipeline: DetectionPipeline;
  store: ModelStore;
  modelChoice: ModelChoice;
  latest(): FrameResult | null;
  /** Called after a reload swapped the model, to publish the new status. */
  onModelChanged(detector: Detector): void;
}

/**
 * Handles `argus/<id>/cmd/<name>`: validates, acts, and always replies on `argus/<id>/replies/<name>`
 * with `{ok, command, id?, result? | error}`, so a sender learns why a command was refused.
 */
export async function handleCommand(ctx: CommandContext, topic: string, payload: Buffer): Promise<void> {
  const name = ctx.topics.commandName(topic);
  if (name === null) return;
  const parsed = parseCommand(name, payload);
  const reply = (r: Omit<ReplyPayload, 'command'>) => ctx.publisher.publish(ctx.topics.reply(name), JSON.stringify({ command: name, ...r }), 1);
  if (!parsed.ok) {
    log.warn({ topic }, `refused command: ${parsed.error}`);
    reply({ ok: false, error: parsed.error, ...(parsed.id === undefined ? {} : { id: parsed.id }) });
    return;
  }
  const id = parsed.command.args.id;
  try {
    const result = await run(ctx, parsed.command);
    reply({ ok: true, result, ...(id === undefined ? {} : { id }) });
  } catch (e) {
    log.warn({ topic }, `command failed: ${(e as Error).message}`);
    reply({ ok: false, error: (e as Error).message, ...(id === undefined ? {} : { id }) });
  }
}

async function run(ctx: CommandContext, cmd: Command): Promise<unknown> {
  switch (cmd.name) {
    case 'threshold':
      ctx.pipeline.setScoreThreshold(cmd.args.value);
      return { threshold: cmd.args.value };
    case 'labels':
      ctx.pipeline.setLabels(cmd.args.labels?.length ? cmd.args.labels : null);
      return { labels: cmd.args.labels?.length ? cmd.args.labels : 'all' };
    case 'snapshot': {
      const r = ctx.latest();
      if (!r) throw new Error('no frame has been processed yet');
      const jpeg = await annotateJpeg(r.jpeg, r.detections);
      ctx.publisher.publish(ctx.topics.snapshot, jpeg, 0);
      return { topic: ctx.topics.snapshot, bytes: jpeg.length, frame: r.seq };
    }
    case 'reload': {
      const choice = {
        ...ctx.modelChoice,
        ...(cmd.args.model ? { model: cmd.args.model } : {}),
        ...(cmd.args.precision ? { precision: cmd.args.precision } : {}),
        threshold: ctx.pipeline.scoreThreshold,
      };
      const next = await openDetector(ctx.store, choice);
      const old = await ctx.pipeline.replaceDetector(next);
      await (old as Detector).close();
      Object.assign(ctx.modelChoice, { model: choice.model, precision: choice.precision });
      ctx.onModelChanged(next);
      return { model: next.manifest.name, precision: next.precision };
    }
  }
}
