export { ActualsPublisher, InvalidEventsError, type ActualsPublisherOptions } from './actuals-publisher';
