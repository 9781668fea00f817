/** deploy/: the device bundle builder and the deploy to one host or a fleet (workstation side). */
export { buildBundle, defaultBundleDir, type BuiltBundle } from './bundle/build-bundle.js';
export { BUNDLE_MANIFEST_FILE, readBundleManifest, type BundleManifest } from './bundle/bundle-manifest.js';
export { APP_NAME, ECOSYSTEM_FILE } from './bundle/ecosystem.js';
export { ARCHES, BUNDLE_DEFAULTS, type Arch, type BundleOptions } from './bundle/options.js';
export { BundleError, DeployError, RemoteCommandError } from './errors.js';
export { deployFleet } from './fleet/deploy-fleet.js';
export { hostSpecs, readInventory, type Inventory } from './fleet/inventory.js';
export { allSucceeded, formatReport } from './fleet/report.js';
export { runDeploy, type DeployRunOptions } from './fleet/run-deploy.js';
export { deployHost } from './remote/deploy-host.js';
export type { DeployContext, HostResult, HostSpec } from './remote/host-spec.js';
export { waitOnline } from './health/wait-online.js';
