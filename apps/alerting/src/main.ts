import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig, type AppConfig } from '@iw/config';
import { createAlertingApp } from './app';

const SHUTDOWN_LIMIT_MS = 20_000;

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const app = await createAlertingApp(config);
  // useProcessExit: exit 0 after a clean close (Nest would otherwise re-raise the signal).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), SHUTDOWN_LIMIT_MS).unref());
  }
  await app.listen();
}

main().catch((e: unknown) => {
  new Logger('alerting').error(`cannot start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
