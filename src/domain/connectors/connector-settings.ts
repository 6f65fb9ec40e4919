import type { MdmSourceName } from '../hardware/mdm-source.js';

export interface IntuneSettings {
  enabled: boolean;
  tenantId: string;
  clientId: string;
  clientSecret: string | null;
  /** Null means the public cloud (login.microsoftonline.com). */
  authorityHost: string | null;
  /** Null means the public cloud (graph.microsoft.com). */
  graphBaseUrl: string | null;
}

export interface JamfSettings {
  enabled: boolean;
  tenantUrl: string;
  clientId: string;
  clientSecret: string | null;
}

export interface SettingsBySource {
  intune: IntuneSettings;
  jamf: JamfSettings;
}

export type ConnectorSettings<S extends MdmSourceName = MdmSourceName> = SettingsBySource[S];

export interface Readiness {
  configured: boolean;
  /** The settings still missing, by field name; "enabled" when the connector is switched off. */
  missing: string[];
}

const REQUIRED: { [S in MdmSourceName]: ReadonlyArray<keyof SettingsBySource[S]> } = {
  intune: ['tenantId', 'clientId', 'clientSecret'],
  jamf: ['tenantUrl', 'clientId', 'clientSecret'],
};

/** The Configured badge: enabled, and every required field filled in. */
export function readiness<S extends MdmSourceName>(source: S, settings: ConnectorSettings<S> | null): Readiness {
  if (!settings) return { configured: false, missing: ['enabled', ...(REQUIRED[source] as string[])] };
  const missing: string[] = [];
  if (!settings.enabled) missing.push('enabled');
  for (const field of REQUIRED[source]) {
    const value = settings[field];
    if (typeof value !== 'string' || value.trim() === '') missing.push(String(field));
  }
  return { configured: missing.length === 0, missing };
}
