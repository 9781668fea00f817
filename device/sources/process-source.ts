import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { log } from '../log.js';
import { Backoff } from './backoff.js';
import { MjpegSplitter } from './mjpeg-splitter.js';
import type { SourceOptions } from './options.js';
import { SourceBase } from './source-base.js';

/** The camera process of a source. */
export interface ProcessCommand {
  /** An executable path or name on PATH; spawned without a shell. */
  command: string;
  args: string[];
  /** Exit code 0 means the input is done (a file played once): the source ends instead of restarting. */
  endsOnCleanExit?: boolean;
}

/** stderr lines kept to explain an exit in its log line. */
const STDERR_TAIL_LINES = 8;
/** How long a process may take to exit on SIGTERM before it is killed. */
const KILL_AFTER_MS = 3000;

type Child = ChildProcessByStdio<null, Readable, Readable>;

/**
 * A source read from a long-running process writing MJPEG on stdout (rpicam-vid, ffmpeg). The
 * process is restarted with backoff when it exits or sends nothing for `stallTimeoutMs`, and each
 * of its stderr lines is logged (debug; the last few again, as a warning, when it exits).
 */
export class ProcessSource extends SourceBase {
  private child: Child | null = null;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  private readonly backoff: Backoff;

  constructor(
    name: string,
    private readonly cmd: ProcessCommand,
    private readonly opts: Pick<SourceOptions, 'backoff' | 'stallTimeoutMs'>,
  ) {
    super(name);
    this.backoff = new Backoff(opts.backoff);
  }

  protected begin(): void {
    this.spawnProcess();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.clearStallTimer();
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      child.once('close', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  private spawnProcess(): void {
    const startedAt = Date.now();
    const child: Child = spawn(this.cmd.command, this.cmd.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const stderrTail: string[] = [];
    let spawnError: Error | null = null;

    child.stdout.pipe(new MjpegSplitter()).on('data', (jpeg: Buffer) => {
      if (this.stopping) return;
      this.stallTimer?.refresh();
      this.offer(jpeg);
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      log.debug({ source: this.name }, line);
      stderrTail.push(line.slice(0, 500));
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    });
    // A command that cannot start (not found, not executable) reports here, then closes.
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', (code, signal) => {
      this.child = null;
      this.clearStallTimer();
      if (this.stopping) return;
      if (code === 0 && this.cmd.endsOnCleanExit) {
        log.info({ source: this.name }, 'input ended');
        this.emit('end');
        return;
      }
      const delay = this.backoff.delayAfter(Date.now() - startedAt);
      const why = spawnError ? `cannot start ${this.cmd.command} (${spawnError.message})` : `exited (${signal ?? `code ${code}`})`;
      log.warn({ source: this.name, stderr: stderrTail, restartInMs: delay }, `camera process ${why}; restarting`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        this.countRestart();
        this.spawnProcess();
      }, delay);
    });
    this.armStallTimer(child);
  }

  /**
   * Kills a process that went silent (a camera that hangs, a stream that stalls): its exit restarts
   * it. Every frame refreshes the timer.
   */
  private armStallTimer(child: Child): void {
    this.stallTimer = setTimeout(() => {
      log.warn({ source: this.name, silentMs: this.opts.stallTimeoutMs }, 'camera process sends no frames; killing it');
      child.kill('SIGKILL');
    }, this.opts.stallTimeoutMs);
  }

  private clearStallTimer(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }
}
