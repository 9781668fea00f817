import type { Command } from 'commander';
import { registerBundleCommand } from './bundle.js';

/** `argus bundle` and `argus deploy`. */
export function registerDeployCommands(program: Command): void {
  registerBundleCommand(program);
}
