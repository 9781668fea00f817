import { APP_NAME, DEPLOY_SETTINGS_FILE, ECOSYSTEM_FILE, LOGROTATE_APP } from '../bundle/ecosystem.js';
import { shellQuote } from './ssh.js';

/**
 * The POSIX shell scripts a deploy runs on a host, one per step. On the host:
 *
 * ```
 * <root>/releases/<name>/   one folder per deployed bundle (failed ones end in -failed)
 * <root>/current            symlink to the live release, switched with one rename
 * <root>/config.yaml        optional device config the user keeps across releases
 * <root>/.pm2-daemon        the release whose pm2 started the daemon (never pruned while it runs)
 * <root>/.boot              present once the boot service is installed
 * ```
 */

const q = shellQuote;
const pm2 = (root: string) => `${q(root)}/current/bin/pm2`;

/** `key=value` lines that describe the host; read-only, so a dry run can run it too. */
export function preflightScript(dir: string): string {
  return `set -u
DIR=${q(dir)}
case "$DIR" in /*) root="$DIR" ;; *) root="$HOME/$DIR" ;; esac
echo "home=$HOME"
echo "root=$root"
echo "user=$(id -un)"
echo "uid=$(id -u)"
echo "hostname=$(hostname)"
echo "arch=$(uname -m)"
echo "node=$(node -v 2>/dev/null || echo none)"
d="$root"; while [ ! -d "$d" ]; do d=$(dirname "$d"); done
echo "free_kb=$(df -Pk "$d" | awk 'NR==2 {print $4}')"
tools=""
for t in rpicam-vid libcamera-vid ffmpeg v4l2-ctl; do command -v "$t" >/dev/null 2>&1 && tools="$tools $t"; done
echo "camera_tools=$tools"
echo "video_devices=$(ls /dev/video* 2>/dev/null | tr '\\n' ' ')"
echo "rsync=$(command -v rsync || echo none)"
echo "current=$(readlink "$root/current" 2>/dev/null || true)"
echo "releases=$(ls "$root/releases" 2>/dev/null | tr '\\n' ' ')"
echo "boot=$([ -f "$root/.boot" ] && echo yes || echo no)"
echo "systemd=$([ -d /run/systemd/system ] && echo yes || echo no)"
if [ "$(id -u)" = 0 ]; then echo "sudo=root"; elif sudo -n true 2>/dev/null; then echo "sudo=yes"; else echo "sudo=no"; fi
`;
}

/** Shell that writes `text` exactly to the file `target` (a shell word), in base64 so no quoting can break it. */
function writeFile(target: string, text: string): string {
  return `printf '%s' ${q(Buffer.from(text).toString('base64'))} | base64 -d > ${target}`;
}

/** Starts the pm2 daemon if needed; notes which release's pm2 started it, so pruning keeps that one. */
function startOrReload(root: string, release: string): string {
  return `pm2home="\${PM2_HOME:-$HOME/.pm2}"
daemon_was_up=no
[ -f "$pm2home/pm2.pid" ] && kill -0 "$(cat "$pm2home/pm2.pid")" 2>/dev/null && daemon_was_up=yes
echo "t0=$(date +%s)"
${pm2(root)} startOrReload ${q(root)}/current/${ECOSYSTEM_FILE} --update-env
[ "$daemon_was_up" = yes ] || echo ${q(release)} > ${q(root)}/.pm2-daemon`;
}

/**
 * Writes the host settings into the uploaded release, switches `current` to it with one rename
 * (atomic: the link is never missing or half-written) and (re)starts the apps from its ecosystem.
 * Prints `t0=<epoch s>` just before the start, on the host's clock.
 */
export function activateScript(root: string, release: string, settings: object): string {
  return `set -eu
cd ${q(root)}
${writeFile(q(`releases/${release}/${DEPLOY_SETTINGS_FILE}`), JSON.stringify(settings, null, 2) + '\n')}
ln -sfn ${q(`releases/${release}`)} current.next
mv -Tf current.next current
${startOrReload(root, release)}
`;
}

/**
 * Back to `previous` after `failed` did not come online: switch the link back, reload, keep the
 * failed release (renamed `<name>-failed`) for inspection until it is pruned.
 */
export function rollbackScript(root: string, failed: string, previous: string): string {
  return `set -eu
cd ${q(root)}
ln -sfn ${q(`releases/${previous}`)} current.next
mv -Tf current.next current
${startOrReload(root, previous)}
[ -d ${q(`releases/${failed}`)} ] && mv ${q(`releases/${failed}`)} ${q(`releases/${failed}-failed`)}
true
`;
}

/** A first release that failed and has nothing to go back to: stop its apps and unlink it. */
export function removeFailedScript(root: string, failed: string): string {
  return `set -u
cd ${q(root)}
${pm2(root)} delete ${APP_NAME} ${LOGROTATE_APP} >/dev/null 2>&1
${pm2(root)} save --force >/dev/null 2>&1
rm -f current
[ -d ${q(`releases/${failed}`)} ] && mv ${q(`releases/${failed}`)} ${q(`releases/${failed}-failed`)}
true
`;
}

/** The pm2 process list as JSON (`pm2 jlist`). */
export function pm2ListScript(root: string): string {
  return `${pm2(root)} jlist`;
}

/** The last lines the runtime logged, for the report of a failed release. */
export function pm2LogsScript(root: string, lines = 30): string {
  return `${pm2(root)} logs ${APP_NAME} --lines ${lines} --nostream --raw 2>&1 | tail -n ${lines * 2}`;
}

/**
 * After a good release: `pm2 save` (what boot resurrects), then delete old releases beyond the
 * newest `keep`, never the current one nor the one whose pm2 runs the daemon.
 */
export function finalizeScript(root: string, keep: number): string {
  return `set -eu
cd ${q(root)}
${pm2(root)} save --force >/dev/null
current=$(basename "$(readlink current)")
daemon=$(cat .pm2-daemon 2>/dev/null || true)
ls -1 releases | sort -r | awk -v keep=${keep} 'NR > keep' | while read -r r; do
  [ "$r" = "$current" ] && continue
  [ "$r" = "$daemon" ] && continue
  rm -rf "releases/$r" && echo "pruned=$r"
done
true
`;
}

/**
 * The systemd unit that resurrects the saved pm2 apps at boot: what \`pm2 startup systemd\`
 * writes, except that it runs pm2 through \`<root>/current/bin/pm2\`, so it keeps working after the
 * release it was installed from is pruned (pm2's own unit names the pm2 file it ran from).
 */
export function bootUnit(root: string, user: string, home: string): string {
  const pm2Home = `${home}/.pm2`;
  return `[Unit]
Description=argus device runtime (PM2 process manager)
After=network-online.target
Wants=network-online.target

[Service]
Type=forking
User=${user}
LimitNOFILE=infinity
Environment=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
Environment=PM2_HOME=${pm2Home}
PIDFile=${pm2Home}/pm2.pid
Restart=on-failure
ExecStart=${root}/current/bin/pm2 resurrect
ExecReload=${root}/current/bin/pm2 reload all
ExecStop=${root}/current/bin/pm2 kill

[Install]
WantedBy=multi-user.target
`;
}

/** Installs and enables the boot unit (as root, or with passwordless sudo), then marks it done. */
export function bootScript(root: string, user: string, home: string, asRoot: boolean): string {
  const sudo = asRoot ? '' : 'sudo -n ';
  const unit = `/etc/systemd/system/pm2-${user}.service`;
  return `set -eu
tmp=$(mktemp)
${writeFile('"$tmp"', bootUnit(root, user, home))}
${sudo}install -m 644 "$tmp" ${q(unit)}
rm -f "$tmp"
${sudo}systemctl daemon-reload
${sudo}systemctl enable ${q(`pm2-${user}.service`)}
touch ${q(root)}/.boot
`;
}
