/**
 * Bytes → text for the text formats. Tables come as UTF-8, as UTF-16 (Excel's "Unicode
 * text" export) or as GBK/GB18030 (older Chinese Windows tools); we read all three.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** A zip (xlsx) or an OLE2 compound file (legacy .xls) rather than text. */
export function binaryKind(bytes: Uint8Array): 'zip' | 'ole2' | undefined {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'zip';
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) return 'ole2';
  return undefined;
}
