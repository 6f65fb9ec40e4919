/** MDMs report unset strings as "" more often than null; both mean "not reported". */
export function reported(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
