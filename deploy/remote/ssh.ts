import { spawn, type ChildProcess } from 'node:child_process';
import { RemoteCommandError } from '../errors.js';
import { runProcess, type ProcessResult } from '../process.js';

/** How to reach hosts. Keys, ports, users and jump hosts come from the ssh config, as for `ssh` itself. */
export interface SshOptions {
  /** An ssh config file (`ssh -F`). Default: ssh's own (~/.ssh/config, /etc/ssh/ssh_config). */
  configFile?: string;
  /** Seconds to wait for a connection. Default: 15. */
  connectTimeoutS?: number;
  /**
   * A folder for the control sockets that let every step to a host share one connection.
   * Keep its path short: sockets paths are limited to ~100 characters.
   */
  controlDir: string;
}

/** Quotes one argument for a POSIX shell (and for rsync's `-e`, which splits the same way). */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** One host, reached with the system's ssh and rsync, one multiplexed connection for all steps. */
export class SshHost {
  constructor(
    readonly target: string,
    private readonly opts: SshOptions,
  ) {}

  /** ssh options shared by every call; without the destination. */
  sshArgs(multiplex = true): string[] {
    const args: string[] = [];
    if (this.opts.configFile) args.push('-F', this.opts.configFile);
    args.push('-o', 'BatchMode=yes', '-o', `ConnectTimeout=${this.opts.connectTimeoutS ?? 15}`, '-o', 'ServerAliveInterval=10', '-o', 'ServerAliveCountMax=3');
    if (multiplex) args.push('-o', 'ControlMaster=auto', '-o', `ControlPath=${this.opts.controlDir}/%C`, '-o', 'ControlPersist=60');
    else args.push('-o', 'ControlPath=none');
    return args;
  }

  /**
   * Runs a POSIX shell script on the host (fed on stdin to `sh -s`, so nothing needs quoting twice).
   * Throws RemoteCommandError on a non-zero exit unless `check` is false.
   */
  async sh(script: string, what: string, { timeoutMs = 120_000, check = true } = {}): Promise<ProcessResult> {
    const r = await runProcess('ssh', [...this.sshArgs(), '-T', this.target, 'sh -s'], { input: script, timeoutMs });
    if (check && r.code !== 0) throw new RemoteCommandError(this.target, what, r.code, r.stderr + r.stdout);
    return r;
  }

  /**
   * Copies a local folder into a remote one with rsync. `linkDest` (a remote folder, usually the
   * live release) hard-links unchanged files instead of sending them: a new release of the same
   * dependencies costs only its changed files in time and disk.
   */
  async upload(localDir: string, remoteDir: string, { linkDest, timeoutMs = 30 * 60_000 }: { linkDest?: string; timeoutMs?: number } = {}): Promise<ProcessResult> {
    const rsh = ['ssh', ...this.sshArgs()].map(shellQuote).join(' ');
    const args = ['-a', '--delete', '--stats', '-e', rsh];
    if (linkDest) args.push(`--link-dest=${linkDest}`);
    args.push(`${localDir.replace(/\/+$/, '')}/`, `${this.target}:${remoteDir}/`);
    const r = await runProcess('rsync', args, { timeoutMs });
    if (r.code !== 0) throw new RemoteCommandError(this.target, `rsync to ${remoteDir}`, r.code, r.stderr + r.stdout);
    return r;
  }

  /** `ssh -N -L`: a local port forwarded to a port on the host's loopback. Kill the child to close it. */
  forward(localPort: number, remotePort: number): ChildProcess {
    return spawn('ssh', [...this.sshArgs(false), '-N', '-o', 'ExitOnForwardFailure=yes', '-L', `127.0.0.1:${localPort}:127.0.0.1:${remotePort}`, this.target], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  }

  /** Closes the shared connection, if one is open. */
  async close(): Promise<void> {
    await runProcess('ssh', [...this.sshArgs(), '-O', 'exit', this.target], { timeoutMs: 10_000 }).catch(() => undefined);
  }
}
