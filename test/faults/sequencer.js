// Scenarios run in file-name order (1-crashes … 7-access), the order of the README's fault table.
const Sequencer = require('@jest/test-sequencer').default;

module.exports = class ByName extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
  }
};
