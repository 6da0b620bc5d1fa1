export { mulberry32, hashSeed, Rng } from './prng';
export { datesBetween, isWorkday, instantMs, isoWithOffset } from './calendar';
export { viewOf, directionOf, goalOf, type StoryInput, type UnitView, type Direction } from './view';
export { SCENARIOS, RULES, resolveScenarios } from './scenarios';
export type { Scenario, Effect, UnitRule, ScenarioExpectation, Expectation, ResolvedScenario } from './scenarios';
export { MALFORMED, type MalformedSpec } from './malformed';
export { sourceKeysOf } from './sources';
export type { Unfed } from './streams/measurements';
export {
  buildStory,
  expectationsOn,
  eventsThrough,
  summarizeStory,
  type Story,
  type StoryEvent,
  type StoryOptions,
} from './story';
export { judgeStory, type Judged, type Checkpoint } from './verify';
export { playStory, type StorySink, type PlayProgress, type PlayOptions } from './player';
export { sampleStoryInput, SAMPLE_FILES } from './sample';
export { describeStory, simulatedClockSpec, newRunId } from './describe';
export {
  generateProvince,
  provinceAgencyNames,
  MAX_PROVINCE_AGENCIES,
  type Province,
  type ProvinceAgency,
  type ProvinceFile,
  type ProvinceOptions,
  type ProvinceTemplate,
} from './province';
