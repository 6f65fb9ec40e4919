import type { MdmSourceName } from '../domain/hardware/mdm-source.js';

/** Stream names: a category prefix, then the identity. The serial is the hardware's identity. */
export const HARDWARE_CATEGORY = 'hardware';
export const IMPORT_CATEGORY = 'mdmImport';
/** Previews change nothing, but who looked at what an import would do is kept for the auditors. */
export const PREVIEW_CATEGORY = 'mdmPreview';

export function hardwareStream(serial: string): string {
  return `${HARDWARE_CATEGORY}-${serial}`;
}

export function importRunsStream(source: MdmSourceName): string {
  return `${IMPORT_CATEGORY}-${source}`;
}

export function previewsStream(source: MdmSourceName): string {
  return `${PREVIEW_CATEGORY}-${source}`;
}

/** The category of a stream: the part of its name before the first '-'. */
export function categoryOf(stream: string): string {
  const dash = stream.indexOf('-');
  return dash < 0 ? stream : stream.slice(0, dash);
}
