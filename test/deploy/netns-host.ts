import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../helpers/mosquitto.js';

/**
 * A test host: a network namespace joined to this machine by a veth pair on 10.213.7.0/30, a
 * private /30 that exists only inside this sandbox (this side .1, the host .2), running sshd with
 * a key made for the test. It shares the file system, so the host's "home" is a temp folder
 * (sshd's SetEnv HOME), and its pm2 daemon lives in that folder too.
 */
export class NetnsHost {
  static readonly NS = 'argus-deploy-t';
  static readonly HOST_IF = 'argus-h0';
  static readonly NS_IF = 'argus-n0';
  static readonly LOCAL_ADDR = '10.213.7.1';
  static readonly HOST_ADDR = '10.213.7.2';
  /** The ssh destination, an alias in `sshConfig`. */
  static readonly ALIAS = 'argus-test-pi';

  readonly dir = mkdtempSync(join(tmpdir(), 'argus-nh-'));
  readonly home = join(this.dir, 'home');
  readonly sshConfig = join(this.dir, 'ssh_config');
  private sshd: ChildProcess | null = null;
  sshdLog = '';

  /** Why this machine cannot host the test, or null when it can. */
  static unavailable(): string | null {
    if (process.platform !== 'linux') return 'needs Linux network namespaces';
    if (process.getuid?.() !== 0) return 'needs root (ip netns, sshd)';
    for (const tool of ['ip', 'ssh', 'ssh-keygen', 'rsync', 'mosquitto']) {
      if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `needs ${tool} (scripts/setup.sh installs it)`;
    }
    if (!existsSync('/usr/sbin/sshd')) return 'needs /usr/sbin/sshd (Debian openssh-server; scripts/setup.sh installs it)';
    const probe = spawnSync('ip', ['netns', 'list']);
    if (probe.status !== 0) return `ip netns does not work here: ${probe.stderr.toString().trim()}`;
    return null;
  }

  get env(): NodeJS.ProcessEnv {
    return { ...process.env, HOME: this.home, PM2_HOME: join(this.home, '.pm2') };
  }

  async start(): Promise<void> {
    NetnsHost.removeLeftovers();
    const { NS, HOST_IF, NS_IF, LOCAL_ADDR, HOST_ADDR } = NetnsHost;
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
    const nsip = (...args: string[]) => ip('netns', 'exec', NS, 'ip', ...args);
    ip('netns', 'add', NS);
    ip('link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', NS_IF);
    ip('link', 'set', NS_IF, 'netns', NS);
    ip('addr', 'add', `${LOCAL_ADDR}/30`, 'dev', HOST_IF);
    ip('link', 'set', HOST_IF, 'up');
    nsip('addr', 'add', `${HOST_ADDR}/30`, 'dev', NS_IF);
    nsip('link', 'set', NS_IF, 'up');
    nsip('link', 'set', 'lo', 'up');

    mkdirSync(this.home, { recursive: true });
    const key = join(this.dir, 'id_ed25519');
    const hostKey = join(this.dir, 'host_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'argus-test', '-f', key]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'argus-test-host', '-f', hostKey]);
    writeFileSync(join(this.dir, 'authorized_keys'), readFileSync(`${key}.pub`));
    writeFileSync(join(this.dir, 'known_hosts'), `${HOST_ADDR} ${readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    const conf = join(this.dir, 'sshd_config');
    writeFileSync(
      conf,
      [
        `ListenAddress ${HOST_ADDR}`,
        'Port 22',
        `HostKey ${hostKey}`,
        `PidFile ${join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'AllowTcpForwarding local',
        `SetEnv HOME=${this.home} PM2_HOME=${join(this.home, '.pm2')}`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      this.sshConfig,
      [
        `Host ${NetnsHost.ALIAS}`,
        `  HostName ${HOST_ADDR}`,
        '  User root',
        `  IdentityFile ${key}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${join(this.dir, 'known_hosts')}`,
        '  StrictHostKeyChecking yes',
        '  LogLevel ERROR',
        '',
      ].join('\n'),
    );
    mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation folder
    const sshd = spawn('ip', ['netns', 'exec', NS, '/usr/sbin/sshd', '-D', '-e', '-f', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.sshd = sshd;
    sshd.stdout!.on('data', (d) => (this.sshdLog += d));
    sshd.stderr!.on('data', (d) => (this.sshdLog += d));
    await waitFor(
      () => {
        if (sshd.exitCode !== null) throw new Error(`sshd exited: ${this.sshdLog}`);
        return this.ssh('true').status === 0;
      },
      15_000,
      'sshd in the test namespace',
    );
  }

  /** Runs a command on the host over ssh, as the deploy does. */
  ssh(command: string): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync('ssh', ['-F', this.sshConfig, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=3', NetnsHost.ALIAS, command], { encoding: 'utf8', timeout: 30_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Stops everything the test started: pm2 daemon, every process in the namespace, sshd, the namespace. */
  async stop(): Promise<void> {
    const pm2 = join(this.home, 'argus', 'current', 'bin', 'pm2');
    if (existsSync(pm2)) spawnSync(pm2, ['kill'], { env: this.env, stdio: 'ignore', timeout: 30_000 });
    NetnsHost.killNamespacePids();
    if (this.sshd && this.sshd.exitCode === null) this.sshd.kill('SIGKILL');
    NetnsHost.removeLeftovers();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private static killNamespacePids(): void {
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const r = spawnSync('ip', ['netns', 'pids', NetnsHost.NS], { encoding: 'utf8' });
      const pids = r.status === 0 ? r.stdout.split(/\s+/).filter(Boolean).map(Number) : [];
      for (const pid of pids) {
        try {
          process.kill(pid, signal);
        } catch {
          // already gone
        }
      }
      if (pids.length && signal === 'SIGTERM') spawnSync('sleep', ['1']);
    }
  }

  /** A namespace or veth left by an earlier run that was killed: the addresses must be free. */
  static removeLeftovers(): void {
    if (spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').some((l) => l.split(' ')[0] === NetnsHost.NS)) {
      NetnsHost.killNamespacePids();
      spawnSync('ip', ['netns', 'del', NetnsHost.NS]);
    }
    spawnSync('ip', ['link', 'del', NetnsHost.HOST_IF], { stdio: 'ignore' });
  }
}
