import type { Provider } from '@nestjs/common';
import { MONGO_CONNECTION, type Connection } from './connection';
import {
  AlertRepository,
  AuditRepository,
  CatalogueRepository,
  DlqRepository,
  EvaluationRepository,
  EventIdRepository,
  FiscalYearRepository,
  HistoryRepository,
  LeaseRepository,
  OutboxRepository,
  PeopleRepository,
  ProgressRepository,
  SecretRepository,
  SessionRepository,
  StatsRepository,
} from './repositories';

/** Every repository of libs/mongo: a class, built over one MongoDB connection. */
const REPOSITORIES = [
  AlertRepository,
  AuditRepository,
  CatalogueRepository,
  DlqRepository,
  EvaluationRepository,
  EventIdRepository,
  FiscalYearRepository,
  HistoryRepository,
  LeaseRepository,
  OutboxRepository,
  PeopleRepository,
  ProgressRepository,
  SecretRepository,
  SessionRepository,
  StatsRepository,
] as const;

/**
 * The repositories as Nest providers, each under its class and built over the app's
 * MONGO_CONNECTION: services take them in their constructors, so a test module can swap one
 * (`overrideProvider(ProgressRepository)`).
 */
export const repositoryProviders: Provider[] = REPOSITORIES.map((Repository) => ({
  provide: Repository,
  useFactory: (conn: Connection) => new Repository(conn),
  inject: [MONGO_CONNECTION],
}));
