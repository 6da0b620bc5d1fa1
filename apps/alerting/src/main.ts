import { Logger } from '@nestjs/common';
import { ALERTING_HEAP_GROWING_PERCENT, collectGarbageSooner, loadConfigOrExit } from '@iw/config';
import { createAlertingApp } from './app';

const SHUTDOWN_LIMIT_MS = 20_000;

collectGarbageSooner(ALERTING_HEAP_GROWING_PERCENT);

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createAlertingApp(config);
  const logger = new Logger('alerting');
  // Not enableShutdownHooks: on a signal it runs the destroy and before-shutdown hooks while the
  // Kafka transport still consumes, so under traffic new progress batches kept joining the
  // evaluation queue the scheduler waits for, and the sender kept mailing meanwhile. (Under the
  // main job at 86400 that queue also held a sweep per simulated day — 18 of them, ~1 s each,
  // when the 20 s limit ran out.) app.close() of a microservice closes the transport first (the
  // batch in hand finishes, its offsets are committed), then runs the hooks.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const started = performance.now();
    logger.log(`${signal}: stopping (Kafka consumer first, then evaluation, sender, MongoDB)`);
    setTimeout(() => {
      logger.error(`still stopping after ${SHUTDOWN_LIMIT_MS} ms; exiting with code 1`);
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    app.close().then(
      () => {
        logger.log(`stopped in ${Math.round(performance.now() - started)} ms`);
        process.exit(0);
      },
      (e: unknown) => {
        logger.error(`error while stopping: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, stop);
  await app.listen();
}

main().catch((e: unknown) => {
  new Logger('alerting').error(`cannot start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
