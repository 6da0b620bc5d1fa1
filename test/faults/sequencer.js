// Scenarios run in file-name order (1-crashes … 7-access), the order of issue 9.
const Sequencer = require('@jest/test-sequencer').default;

module.exports = class ByName extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
  }
};
