import type { Category } from '../../domain/hardware/category.js';
import type { Assignee, SourceLink } from '../../domain/hardware/events.js';
import type { Condition, Status } from '../../domain/hardware/hand-maintained.js';
import type { Specifications } from '../../domain/hardware/mdm-device.js';
import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';
import type { RunCounts } from '../../domain/import-run/outcome.js';

/** A source that reports the device: still listing it, or missing from its listing since a run. */
export interface RegisterSourceLink extends SourceLink {
  /** When this source's complete listings started to leave the device out; null while it lists it. */
  missingSince: string | null;
  /**
   * When the source last listed it, as far as known. Stored: the last time its import recorded
   * anything on the record (or, while missing, when it was last listed); the register's readers
   * complete it with the source's last complete listing (RegisterView).
   */
  lastListedAt: string | null;
}

/** One row of the hardware register, as the admin screens show it. */
export interface HardwareRecord {
  id: string;
  serial: string;
  assetTag: string;
  name: string;
  manufacturer: string | null;
  model: string | null;
  operatingSystem: string | null;
  osVersion: string | null;
  macAddress: string | null;
  category: Category;
  status: Status;
  condition: Condition;
  assignee: Assignee | null;
  acknowledgement: { note: string; at: string } | null;
  cpu: string | null;
  ram: string | null;
  storage: string | null;
  purchasePrice: number | null;
  purchaseDate: string | null;
  specifications: Specifications;
  sources: RegisterSourceLink[];
  createdAt: string;
  updatedAt: string;
  /** Revision of the hardware stream last applied: makes replays idempotent. */
  revision: number;
}

/** One entry per import run. */
export interface AuditEntry {
  runId: string;
  source: MdmSourceName;
  triggeredBy: string;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'completed' | 'failed';
  counts: RunCounts;
  failureReason: string | null;
  /** Pages recorded so far. */
  pages: number;
  /** What the MDM said its whole listing holds, when it said (Jamf Pro); null otherwise. */
  announcedTotal: number | null;
  /** The last page, heartbeat or end recorded: a running run's sign of life. */
  lastActivityAt: string;
  /** Global position of the last event applied: makes replays idempotent. */
  position: number;
}

/** Every value given narrows the search; a blank serial, asset tag, assignee or text asks for nothing (`exactValues`). */
export interface RegisterFilter {
  serial?: string;
  assetTag?: string;
  assigneeEmail?: string;
  status?: Status;
  category?: Category;
  source?: MdmSourceName;
  /** Records this source reported and no longer lists. */
  missingFrom?: MdmSourceName;
  /** Free text over name, serial, asset tag, model, manufacturer and assignee. */
  text?: string;
  offset?: number;
  /**
   * Keyset paging: the records after this one in the sort order (instead of an offset). A page
   * then costs the same wherever it is, and rows added or removed meanwhile never shift it.
   */
  after?: RegisterPosition;
  limit?: number;
  /** The column to sort by (asset tag when absent); ties fall back to the asset tag, so pages never overlap. */
  sort?: RegisterSort;
  order?: 'asc' | 'desc';
}

export const REGISTER_SORTS = ['assetTag', 'serial', 'name', 'model', 'category', 'status', 'assignee', 'updatedAt'] as const;
export type RegisterSort = (typeof REGISTER_SORTS)[number];

/** Where a record stands in a sort: its value in the sorted column (null sorts first) and its asset tag. */
export interface RegisterPosition {
  value: string | null;
  assetTag: string;
}

/** The record's position in the given sort, to ask for the page after it. */
export function positionOf(record: HardwareRecord, sort: RegisterSort = 'assetTag'): RegisterPosition {
  const values: Record<RegisterSort, string | null> = {
    assetTag: record.assetTag, serial: record.serial, name: record.name, model: record.model, category: record.category,
    status: record.status, assignee: record.assignee?.email ?? null, updatedAt: record.updatedAt,
  };
  return { value: values[sort], assetTag: record.assetTag };
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

export interface HardwareRegisterQueries {
  byId(id: string): Promise<HardwareRecord | null>;
  bySerial(serial: string): Promise<HardwareRecord | null>;
  search(filter: RegisterFilter): Promise<Page<HardwareRecord>>;
  /** Serials of the records this source reports and still lists: the ones a complete listing must name. */
  serialsListedBy(source: MdmSourceName): Promise<string[]>;
}

export interface AuditLogFilter {
  source?: MdmSourceName;
  /** Runs started by this person or process (`schedule` for scheduled runs). */
  triggeredBy?: string;
  from?: string;
  to?: string;
  limit?: number;
}

export interface AuditLogQueries {
  /** Newest first; runs that started in the same millisecond by run id, descending, so every store lists them alike. */
  list(filter: AuditLogFilter): Promise<AuditEntry[]>;
  byRunId(runId: string): Promise<AuditEntry | null>;
}

/** Where a projection keeps its documents and its checkpoint, written together. */
export interface ProjectionStore<Doc> {
  checkpoint(): Promise<number>;
  load(keys: readonly string[]): Promise<Map<string, Doc>>;
  /** Saves the documents and the checkpoint atomically (where the store allows). */
  commit(docs: readonly Doc[], checkpoint: number): Promise<void>;
}

export interface ReadModelSet {
  register: ProjectionStore<HardwareRecord>;
  auditLog: ProjectionStore<AuditEntry>;
}

export interface RebuildSession extends ReadModelSet {
  /** Replaces the live read models with the rebuilt ones in one step. */
  swap(): Promise<void>;
  discard(): Promise<void>;
}

export interface ReadModelStore extends ReadModelSet {
  beginRebuild(): Promise<RebuildSession>;
}
