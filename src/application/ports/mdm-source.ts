import type { Readiness } from '../../domain/connectors/connector-settings.js';
import type { MdmDevice } from '../../domain/hardware/mdm-device.js';
import { sourceDisplayName, type MdmSourceName } from '../../domain/hardware/mdm-source.js';

/** An MDM entry that could not be read as a device: that device's error; the run goes on. */
export interface RejectedEntry {
  /** 1-based position in the source's listing. */
  position: number;
  sourceDeviceId: string | null;
  detail: string;
  /** Why, as a code; an unreadable entry when absent. */
  reason?: 'invalid-mdm-entry' | 'no-longer-in-mdm';
}

/** One page of a source's listing. */
export interface MdmPage {
  devices: MdmDevice[];
  rejected?: RejectedEntry[];
  /** What the result must say about the listing itself (fewer devices than announced, …). */
  warnings?: string[];
  /** How many devices the MDM says its whole listing holds, as far as it has said (Jamf's totalCount); progress only. */
  announcedTotal?: number;
}

/** A connected MDM, yielding its managed devices a page at a time (the fleet is never held whole). */
export interface MdmSource {
  readonly name: MdmSourceName;
  devices(): AsyncIterable<MdmPage>;
  /** These devices only, each fetched by its MDM id; one the MDM no longer has is a rejected entry saying so. */
  devicesById?(ids: readonly string[]): AsyncIterable<MdmPage>;
}

export interface MdmSourceProvider {
  /** Throws SourceNotConfigured when the connector is disabled or lacks credentials. */
  open(source: MdmSourceName): Promise<MdmSource>;
  /** Whether `open` would open the source, and what it lacks if not; a provider without it always opens. */
  readiness?(source: MdmSourceName): Promise<Readiness>;
}

/** The MDM could not be read (auth, network, throttling beyond the retry budget). */
export class MdmSourceFailure extends Error {
  constructor(
    readonly source: MdmSourceName,
    /** What went wrong, without the fix. */
    readonly reason: string,
    readonly fix?: string,
    override readonly cause?: unknown,
  ) {
    super(fix ? `${reason} ${fix}` : reason);
    this.name = 'MdmSourceFailure';
  }
}

/** The connector is disabled or lacks credentials: finish its settings first. */
export class SourceNotConfigured extends Error {
  constructor(readonly source: MdmSourceName, readonly missing: readonly string[] = []) {
    super(
      `${sourceDisplayName(source)} is not configured${missing.length ? ` (missing: ${missing.join(', ')})` : ''}. ` +
        'Enable the connector and fill in its credentials in Settings → Integrations, then try again.',
    );
    this.name = 'SourceNotConfigured';
  }
}
