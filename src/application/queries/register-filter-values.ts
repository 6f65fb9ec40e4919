import type { RegisterFilter } from '../ports/read-models.js';

/** The exact values a register search asks for, as records hold them. */
export interface ExactValues {
  serial?: string;
  assetTag?: string;
  assigneeEmail?: string;
}

const given = (value: string | undefined) => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

/**
 * Serial in capitals, assignee email in lower case, each trimmed. A blank value asks for nothing,
 * as a blank text search does, so every store reads one filter alike.
 */
export function exactValues(filter: RegisterFilter): ExactValues {
  return {
    serial: given(filter.serial)?.toUpperCase(),
    assetTag: given(filter.assetTag),
    assigneeEmail: given(filter.assigneeEmail)?.toLowerCase(),
  };
}
