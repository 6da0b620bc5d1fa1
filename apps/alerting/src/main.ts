import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@iw/config';
import { createAlertingApp } from './app';

const SHUTDOWN_LIMIT_MS = 20_000;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
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
