import { UNAME_ARCH, type Arch } from '../bundle/options.js';

/** What the preflight script found on a host. */
export interface HostFacts {
  home: string;
  /** Absolute folder holding releases/ and current. */
  root: string;
  user: string;
  uid: number;
  hostname: string;
  /** `uname -m`, and the bundle arch that runs there (undefined: none does). */
  uname: string;
  arch: Arch | undefined;
  /** `node -v` without the v, or null when there is no node. */
  node: string | null;
  freeBytes: number;
  cameraTools: string[];
  videoDevices: string[];
  rsync: boolean;
  /** Release name `current` points at, or null on a first deploy. */
  current: string | null;
  releases: string[];
  boot: boolean;
  systemd: boolean;
  sudo: 'root' | 'yes' | 'no';
}

export function parseFacts(output: string): HostFacts {
  const kv = new Map<string, string>();
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const get = (k: string) => kv.get(k) ?? '';
  const words = (k: string) => get(k).split(/\s+/).filter(Boolean);
  const uname = get('arch');
  const node = get('node');
  const current = get('current');
  return {
    home: get('home'),
    root: get('root'),
    user: get('user'),
    uid: Number(get('uid')),
    hostname: get('hostname'),
    uname,
    arch: UNAME_ARCH[uname],
    node: /^v\d/.test(node) ? node.slice(1) : null,
    freeBytes: Number(get('free_kb')) * 1024,
    cameraTools: words('camera_tools'),
    videoDevices: words('video_devices'),
    rsync: get('rsync') !== 'none' && get('rsync') !== '',
    current: current ? current.replace(/^.*\//, '') : null,
    releases: words('releases'),
    boot: get('boot') === 'yes',
    systemd: get('systemd') === 'yes',
    sudo: (['root', 'yes'].includes(get('sudo')) ? get('sudo') : 'no') as HostFacts['sudo'],
  };
}

/** `>=20.9` style minimum from package.json engines: the version it names. */
function minimumNode(engines: string): [number, number] {
  const m = /(\d+)(?:\.(\d+))?/.exec(engines);
  return m ? [Number(m[1]), Number(m[2] ?? 0)] : [20, 0];
}

export interface PreflightNeeds {
  arch: Arch;
  /** package.json engines.node of the bundle. */
  engines: string;
  /** The bundle ships its own Node.js, so the host's does not matter. */
  bundledNode: boolean;
  bundleBytes: number;
  /** The configured camera source (`libcamera`, `v4l2:/dev/video0`, …), if any. */
  source?: string;
}

export interface PreflightVerdict {
  errors: string[];
  warnings: string[];
}

/** Spare room beyond the bundle on the host's disk: logs, a pm2 dump, the next release. */
const DISK_MARGIN = 200 * 1024 * 1024;

/** Whether the bundle can run on the host, and what may not work there. */
export function checkFacts(f: HostFacts, needs: PreflightNeeds): PreflightVerdict {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (f.arch !== needs.arch) errors.push(`the host is ${f.uname || 'of unknown architecture'}, the bundle is for linux-${needs.arch}`);
  if (!needs.bundledNode) {
    const [major, minor] = minimumNode(needs.engines);
    if (!f.node) errors.push(`no node on the host's PATH: install Node.js ${needs.engines} or bundle one (argus bundle --node)`);
    else {
      const [hMajor = 0, hMinor = 0] = f.node.split('.').map(Number);
      if (hMajor < major || (hMajor === major && hMinor < minor)) {
        errors.push(`the host has Node.js ${f.node}, the bundle needs ${needs.engines}: upgrade it or bundle one (argus bundle --node)`);
      }
    }
  }
  // With --link-dest an update needs only what changed, but a first deploy needs all of it.
  const needed = (f.current ? 0 : needs.bundleBytes) + DISK_MARGIN;
  if (f.freeBytes < needed) errors.push(`only ${mib(f.freeBytes)} free under ${f.root}, ${mib(needed)} needed`);
  if (!f.rsync) errors.push('rsync is not installed on the host (apt install rsync)');
  const src = needs.source ?? 'auto';
  if (src === 'libcamera' && !f.cameraTools.some((t) => t === 'rpicam-vid' || t === 'libcamera-vid')) {
    errors.push("source 'libcamera' needs rpicam-vid or libcamera-vid (apt install rpicam-apps)");
  } else if (/^(v4l2|video|rtsp)/.test(src) && !f.cameraTools.includes('ffmpeg')) {
    errors.push(`source '${src}' needs ffmpeg on the host (apt install ffmpeg)`);
  } else if (src === 'auto' && !f.cameraTools.length && !f.videoDevices.length) {
    warnings.push('no camera tools (rpicam-vid, libcamera-vid, ffmpeg) and no /dev/video*: the runtime will fall back to its demo source');
  }
  return { errors, warnings };
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}

/** The device id the runtime would pick from a host name (its default), used when none is given. */
export function deviceIdFromHostname(hostname: string): string {
  return hostname.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'argus';
}
