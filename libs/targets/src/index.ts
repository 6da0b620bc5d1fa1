export * from './target';
export * from './ids';
export * from './rows';
export { readTarget, targetWarnings, isMeasurable, type TargetReading } from './value/read-target';
export { normalizeValueText } from './value/normalize';
export { readTables, type RawTable, type RawIndicator, type TableReading } from './table/table-reader';
export { levelOf, level1For, type Family, type Vocabulary } from './table/vocabulary';
export { readCatalogue, fiscalYearOf, type ReadOptions, type YearSource } from './catalogue';
export { catalogueJson } from './json';
export { indicatorParts, type IndicatorPart } from './parts';
export { summarize, TARGET_KINDS, type CatalogueSummary, type ProjectSummary } from './summary';
export { readTargetFile, parseTargetTable, rowsFromBytes, TargetFileError } from './read-file';
export {
  parseOwners,
  ownersFor,
  ownersFormatOf,
  checkOwners,
  isEmailAddress,
  OwnersError,
  type Owners,
  type OwnersFormat,
} from './owners';
export * from './diff';
export { mergeCatalogues, type CatalogueFile } from './merge';
export { describeRecurring, describeRelative, describeTarget, EVERY_WORDS, opSymbol } from './describe';
export { legacyProjectIds, type LegacyProjectId } from './legacy-ids';
