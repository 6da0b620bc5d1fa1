import { DEFAULT_TOPICS, loadConfig } from '@iw/config';
import { actualsRoleOf } from './actuals';

describe('actualsRoleOf', () => {
  const prefixed = loadConfig({ KAFKA_TOPIC_PREFIX: 't-1.', IW_TOPIC_CASES: 'cms.cases' }, '/nonexistent/.env').kafka
    .topics;

  it.each([
    ['cases', 'cases'],
    ['inspectionBatches', 'inspectionBatches'],
    ['actuals.inspection-batches', 'inspectionBatches'],
    [' actuals.surveys ', 'surveys'],
    ['t-1.actuals.spending', 'spending'],
    ['t-1.cms.cases', 'cases'],
    ['actuals.measurements', 'measurements'],
    ['actuals.dlq', null],
    ['dlq', null],
    ['progress', null],
    ['indicators.progress', null],
    ['actuals.nope', null],
    ['', null],
  ])('%j → %s', (name, role) => {
    expect(actualsRoleOf(name, prefixed)).toBe(role);
  });

  it('uses the contract names by default', () => {
    expect(actualsRoleOf(DEFAULT_TOPICS.cases)).toBe('cases');
  });
});
