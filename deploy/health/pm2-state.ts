import { APP_NAME } from '../bundle/ecosystem.js';

export interface AppState {
  status: string;
  restarts: number;
  pid: number | null;
}

/** The runtime's state in `pm2 jlist` output (pm2 may print notices before the JSON). */
export function appState(jlist: string, name = APP_NAME): AppState | null {
  const start = jlist.indexOf('[');
  if (start < 0) return null;
  let list: { name?: string; pid?: number; pm2_env?: { status?: string; restart_time?: number } }[];
  try {
    list = JSON.parse(jlist.slice(start));
  } catch {
    return null;
  }
  const app = list.find((p) => p.name === name);
  if (!app) return null;
  return { status: app.pm2_env?.status ?? 'unknown', restarts: app.pm2_env?.restart_time ?? 0, pid: app.pid || null };
}

/**
 * A verdict on a release from pm2's view while waiting for it to come online: failed when pm2
 * gave up on it or it keeps crashing; null while it may still come.
 */
export function crashVerdict(state: AppState | null, baselineRestarts: number, maxRestarts = 2): string | null {
  if (!state) return `pm2 does not run '${APP_NAME}'`;
  if (state.status === 'errored' || state.status === 'stopped') return `pm2 reports '${APP_NAME}' ${state.status} after ${state.restarts} restarts`;
  const crashes = state.restarts - baselineRestarts;
  if (crashes >= maxRestarts) return `'${APP_NAME}' crashed ${crashes} times since the start (pm2 keeps restarting it)`;
  return null;
}
