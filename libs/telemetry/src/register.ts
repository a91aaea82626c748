// The process entry of telemetry: `node --import @provisio/telemetry/register dist/server.js`.
//
// ESM modules are linked before any of them runs, so an SDK started from server.ts would come too late to
// patch pg and pino. `--import` runs this first: it installs the module hooks (import-in-the-middle), then
// starts the SDK, and only then does Node load the service. Nothing else may be imported statically here.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { register, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';

/** The modules the instrumentations patch; only these go through the hook. */
const instrumented = ['pg', 'pg-pool', 'pino', 'http', 'https', 'undici'];

/** `@provisio/accounts` for `services/accounts/dist/server.js`: the nearest package.json of the entry. */
function packageNameOf(entry: string | undefined): string | undefined {
  if (!entry) return undefined;
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (name) return name.replace(/^@provisio\//, '');
    } catch {
      // no package.json at this level: go up
    }
  }
  return undefined;
}

if (isMainThread) {
  if (supportsSyncHooks()) register({ include: instrumented });
  else process.emitWarning(`Node ${process.version} has no usable synchronous module hooks (24.11.1 or later has): pg and pino are not instrumented`);
  const { loadTelemetryConfig } = await import('./config.js');
  const { startTelemetry } = await import('./start.js');
  const config = loadTelemetryConfig();
  const serviceName = config.OTEL_SERVICE_NAME ?? packageNameOf(process.argv[1]) ?? 'provisio';
  startTelemetry({ serviceName, config });
}
