import type { HostResult } from '../remote/host-spec.js';

const MARK: Record<HostResult['outcome'], string> = { deployed: 'ok', planned: 'plan', 'rolled-back': 'ROLLED BACK', failed: 'FAILED', skipped: 'skipped' };

/** A plain-text report: one block per host, then a one-line summary. */
export function formatReport(results: readonly HostResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const head = [`${MARK[r.outcome]}  ${r.host}`];
    if (r.deviceId) head.push(`device ${r.deviceId}`);
    if (r.release) head.push(`release ${r.release}`);
    if (r.onlineAfterS !== undefined) head.push(`online after ${r.onlineAfterS} s`);
    head.push(`${r.seconds} s`);
    lines.push(head.join(' · '));
    if (r.reason) lines.push(`    ${r.reason}`);
    if (r.rollback) lines.push(`    rollback to ${r.previous}: ${r.rollback.ok ? 'online again' : `did not come online: ${r.rollback.reason}`}`);
    for (const w of r.warnings) lines.push(`    warning: ${w}`);
    if (r.pruned?.length) lines.push(`    pruned ${r.pruned.join(', ')}`);
    if (r.boot) lines.push(`    boot service: ${r.boot}`);
    for (const p of r.plan ?? []) lines.push(`    would: ${p}`);
    if (r.logs) lines.push('    last log lines:', ...r.logs.split('\n').slice(-15).map((l) => `      ${l}`));
  }
  const count = (o: HostResult['outcome']) => results.filter((r) => r.outcome === o).length;
  const parts = (['deployed', 'planned', 'rolled-back', 'failed', 'skipped'] as const).filter((o) => count(o)).map((o) => `${count(o)} ${o}`);
  lines.push(`${results.length} host${results.length === 1 ? '' : 's'}: ${parts.join(', ')}`);
  return lines.join('\n');
}

/** Every host deployed (or, in a dry run, planned). */
export function allSucceeded(results: readonly HostResult[]): boolean {
  return results.every((r) => r.outcome === 'deployed' || r.outcome === 'planned');
}
