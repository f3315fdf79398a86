import { ConfigError, readConfig } from './config';
import { DataDirLockedError } from './db/lock-file';
import { startVoteService } from './service';

/** `npm run server`: the vote service, configured by environment variables (README). */
async function main(): Promise<void> {
  const config = readConfig(process.env);
  const service = await startVoteService(config);
  const where =
    service.db.driver === 'pglite' ? `PGlite in ${service.db.location}` : service.db.location;
  console.log(`Glimpse vote service listening on ${service.url} (${where}; pid ${process.pid})`);
  if (service.db.driver === 'postgres' && service.secretSource !== 'GLIMPSE_SECRET') {
    console.log(
      `Token secret from ${service.secretSource}: give every process the same GLIMPSE_SECRET when they run on several machines.`,
    );
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing the requests under way, then closing the database.`);
    // A stuck connection must not keep the process alive forever.
    setTimeout(() => {
      console.error('Shutdown took over 10 s; exiting anyway.');
      process.exit(1);
    }, 10_000).unref();
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(error.message);
  } else {
    console.error('The vote service could not start:', error);
  }
  process.exit(1);
});
