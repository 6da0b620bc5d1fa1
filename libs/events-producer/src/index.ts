export { ActualsPublisher, InvalidEventsError, type ActualsPublisherOptions } from './actuals-publisher';
export { actualsRoleOf } from './topics';
