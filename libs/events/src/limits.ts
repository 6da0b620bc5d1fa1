/**
 * Bounds every actuals message must respect. They keep one hostile or broken message from
 * costing the consumer more than a few milliseconds or bloating a MongoDB document.
 */
export const LIMITS = {
  /** Largest accepted message value, in bytes. Real events are a few hundred bytes. */
  maxMessageBytes: 64 * 1024,
  /** Nesting depth of the JSON value (the event object itself is depth 1). */
  maxDepth: 8,
  /** Keys in any one object, extra fields included. */
  maxKeys: 200,
  /** Elements in any one array. */
  maxArrayLength: 1000,
  /** Characters in any one string or key, extra fields included. */
  maxStringLength: 8192,
  /** Original bytes a DLQ record keeps (base64 grows them by 4/3; stays under Kafka's 1 MB default). */
  maxDlqOriginalBytes: 512 * 1024,
  /** Characters of the UTF-8 preview a DLQ record keeps. */
  maxDlqPreviewChars: 2000,
  /** Characters of a rejection message. */
  maxReasonChars: 1000,
} as const;
