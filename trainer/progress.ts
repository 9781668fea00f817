import cliProgress from 'cli-progress';

export interface Progress {
  tick(info?: string): void;
  stop(): void;
}

/**
 * A progress bar on stderr for long work; silent when stderr is not a terminal (CI, pipes)
 * so logs stay clean.
 */
export function progressBar(label: string, total: number): Progress {
  if (!process.stderr.isTTY) return { tick() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted} {info}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: '' });
  return {
    tick: (info = '') => bar.increment(1, { info }),
    stop: () => bar.stop(),
  };
}
