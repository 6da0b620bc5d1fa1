import { Logger } from '@nestjs/common';
import { ConfigError, collectGarbageSooner, loadConfig, type AppConfig } from '@iw/config';
import { createStatusApp } from './app';
import { ApiTokensError, parseApiTokens } from '@iw/people';
import { MissingApiTokensError } from './middleware/api-tokens';

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
const SHUTDOWN_LIMIT_MS = 20_000;

collectGarbageSooner();

function configOrExit(): AppConfig {
  try {
    const config = loadConfig();
    if (config.http.apiTokens.length === 0) throw new MissingApiTokensError();
    parseApiTokens(config.http.apiTokens);
    return config;
  } catch (e) {
    if (!(e instanceof ConfigError) && !(e instanceof MissingApiTokensError) && !(e instanceof ApiTokensError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const app = await createStatusApp(config, {
    logger: [...LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.logLevel) + 1)],
  });
  // useProcessExit: exit 0 after a clean close (Nest would otherwise re-raise the signal).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), SHUTDOWN_LIMIT_MS).unref());
  }
  // Loopback by default (IW_STATUS_HOST): exposing the dashboard and API is an explicit choice.
  await app.listen(config.http.statusPort, config.http.statusHost);
  new Logger('status').log(
    `listening on port ${config.http.statusPort} of ${config.http.statusHost}: dashboard /, API /api (docs /api/docs), /status, /metrics, /health/ready`,
  );
}

main().catch((e: unknown) => {
  new Logger('status').error(`cannot start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
