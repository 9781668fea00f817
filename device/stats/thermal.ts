import { readFile } from 'node:fs/promises';

/** Where Linux (and Raspberry Pi OS) reports the SoC temperature, in millidegrees Celsius. */
export const CPU_THERMAL_ZONE = '/sys/class/thermal/thermal_zone0/temp';

/** CPU temperature in °C (0.1 precision), or null where the machine does not report one. */
export async function readCpuTemperature(file = CPU_THERMAL_ZONE): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null; // no thermal zone: a container or a VM
  }
  const milli = Number(text.trim());
  return Number.isFinite(milli) ? Math.round(milli / 100) / 10 : null;
}
