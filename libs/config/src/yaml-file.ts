import { LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** A settings file (bindings, pace, policy) read as YAML, with the line of every node for error messages. */
export interface YamlFile {
  doc: Document.Parsed;
  /** The 1-based line a node starts on; `fallback` when the node is absent or has no position. */
  lineOf: (node: Node | null | undefined, fallback?: number) => number;
  /** YAML syntax errors (duplicate keys included), each with its line; nothing else is worth reading then. */
  syntaxErrors: Array<{ line: number; message: string }>;
}

export function readYamlFile(text: string): YamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  return {
    doc,
    lineOf: (node, fallback = 1) => (node?.range ? lines.linePos(node.range[0]).line : fallback),
    syntaxErrors: doc.errors.map((e) => ({
      line: e.linePos?.[0].line ?? 1,
      message: `YAML: ${e.message.split('\n')[0]}`,
    })),
  };
}
