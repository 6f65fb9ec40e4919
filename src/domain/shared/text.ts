/** MDMs report unset strings as "" more often than null; both mean "not reported". */
export function reported(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** A reported point in time, as the MDM wrote it; a value that does not read as a time is not reported. */
export function reportedTime(value: string | null | undefined): string | null {
  const text = reported(value);
  return text !== null && !Number.isNaN(Date.parse(text)) ? text : null;
}
