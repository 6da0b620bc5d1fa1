import type { Provider } from '@nestjs/common';
import { connectMongo, MONGO_CONNECTION, type Connection } from './connection';
import { prepareDatabase } from './repositories';
import * as repositories from './repositories';

/** Every repository of libs/mongo: a class, built over one MongoDB connection. */
const REPOSITORIES = [
  repositories.AlertRepository,
  repositories.AuditRepository,
  repositories.CatalogueRepository,
  repositories.DlqRepository,
  repositories.EvaluationRepository,
  repositories.EventIdRepository,
  repositories.FiscalYearRepository,
  repositories.HistoryRepository,
  repositories.LeaseRepository,
  repositories.OutboxRepository,
  repositories.PeopleRepository,
  repositories.ProgressRepository,
  repositories.SecretRepository,
  repositories.SessionRepository,
  repositories.StatsRepository,
  repositories.WatermarkRepository,
] as const;

/**
 * The MongoDB connection of a service that needs its database to start (ingest, alerting):
 * connected, collections and indexes prepared, under MONGO_CONNECTION; then every repository
 * as a Nest provider under its class, built over it. Services take repositories in their
 * constructors, so a test module can swap one (`overrideProvider(ProgressRepository)`).
 */
export function mongoProviders(url: string, appName: string): Provider[] {
  return [
    {
      provide: MONGO_CONNECTION,
      useFactory: async () => {
        const conn = await connectMongo(url, { appName });
        await prepareDatabase(conn);
        return conn;
      },
    },
    ...REPOSITORIES.map((Repository) => ({
      provide: Repository,
      useFactory: (conn: Connection) => new Repository(conn),
      inject: [MONGO_CONNECTION],
    })),
  ];
}
