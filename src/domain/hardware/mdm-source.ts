export const MDM_SOURCES = ['intune', 'jamf'] as const;
export type MdmSourceName = (typeof MDM_SOURCES)[number];

const DISPLAY_NAMES: Record<MdmSourceName, string> = {
  intune: 'Microsoft Intune',
  jamf: 'Jamf Pro',
};

export function sourceDisplayName(source: MdmSourceName): string {
  return DISPLAY_NAMES[source];
}

export function isMdmSource(value: unknown): value is MdmSourceName {
  return typeof value === 'string' && (MDM_SOURCES as readonly string[]).includes(value);
}
