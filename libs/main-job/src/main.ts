/**
 * The main job: `npm start` runs `node dist/libs/main-job/src/main.js` once the infrastructure
 * is up. See run.ts.
 */
import { runMainJob } from './run';

runMainJob(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`main job: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
