import { validatePrecedence, type SourcePrecedence } from '../domain/hardware/source-precedence.js';
import { createHash } from 'node:crypto';
import { readiness, type IntuneSettings, type JamfSettings, type SettingsBySource } from '../domain/connectors/connector-settings.js';
import { validateGuid, validateHttpsOrigin, validateJamfClientId } from '../domain/connectors/identifiers.js';
import { validateJamfTenantUrl } from '../domain/connectors/jamf-tenant-url.js';
import { secretFor } from '../domain/connectors/secret-binding.js';
import { MDM_SOURCES, sourceDisplayName, type MdmSourceName } from '../domain/hardware/mdm-source.js';
import type { TestConnection } from './commands/test-connection.js';
import type { Clock } from './ports/clock.js';
import type { ConnectorSettingsStore, RecordedTest } from './ports/connector-settings-store.js';
import { SecretUnreadable } from './ports/secret-box.js';

export interface IntuneSettingsInput {
  enabled: boolean;
  tenantId: string;
  clientId: string;
  /** Omitted or empty: keep the stored secret. */
  clientSecret?: string;
  authorityHost?: string | null;
  graphBaseUrl?: string | null;
}

export interface JamfSettingsInput {
  enabled: boolean;
  tenantUrl: string;
  clientId: string;
  clientSecret?: string;
}

export interface SettingsInputBySource {
  intune: IntuneSettingsInput;
  jamf: JamfSettingsInput;
}

/** A connector card: never the secret, only whether one is stored. */
export interface IntegrationView {
  source: MdmSourceName;
  name: string;
  enabled: boolean;
  status: 'Configured' | 'Not configured';
  missing: string[];
  settings: Record<string, string | null>;
  secretStored: boolean;
  /** Why a stored secret cannot be used, when it cannot (the secrets key changed). */
  secretProblem: string | null;
  lastTest: RecordedTest | null;
}

/** Tests of this many sets of values are kept per source: the saved ones' outlives a morning of trying others. */
const RECENT_TESTS_KEPT = 10;
const blank = (value: string | null | undefined) => !value || value.trim() === '';

/** Which values a test ran with, the switch aside; the secret enters only the hash. */
function settingsKey(settings: SettingsBySource[MdmSourceName]): string {
  const { enabled: _enabled, secretUnreadable: _unreadable, ...values } = settings as SettingsBySource[MdmSourceName] & { secretUnreadable?: boolean };
  return createHash('sha256').update(JSON.stringify(values)).digest('hex');
}

/**
 * Checks each field the admin filled in; empty fields are allowed and leave the card Not configured.
 * A secret left blank keeps the stored one, which only goes with the values it was saved for.
 */
function validated<S extends MdmSourceName>(source: S, input: SettingsInputBySource[S], stored: SettingsBySource[S] | null): SettingsBySource[S] {
  const fields = validatedFields(source, input);
  return { ...fields, clientSecret: secretFor(source, blank(input.clientSecret) ? null : input.clientSecret!.trim(), stored, fields) };
}

/** The non-secret fields, checked; the secret is decided by `validated`, against the stored settings. */
function validatedFields<S extends MdmSourceName>(source: S, input: SettingsInputBySource[S]): SettingsBySource[S] {
  if (source === 'intune') {
    const i = input as IntuneSettingsInput;
    const settings: IntuneSettings = {
      enabled: i.enabled,
      tenantId: blank(i.tenantId) ? '' : validateGuid('tenantId', i.tenantId),
      clientId: blank(i.clientId) ? '' : validateGuid('clientId', i.clientId),
      clientSecret: null,
      authorityHost: blank(i.authorityHost) ? null : validateHttpsOrigin('authorityHost', i.authorityHost!),
      graphBaseUrl: blank(i.graphBaseUrl) ? null : validateHttpsOrigin('graphBaseUrl', i.graphBaseUrl!),
    };
    return settings as SettingsBySource[S];
  }
  const j = input as JamfSettingsInput;
  const settings: JamfSettings = {
    enabled: j.enabled,
    tenantUrl: blank(j.tenantUrl) ? '' : validateJamfTenantUrl(j.tenantUrl),
    clientId: blank(j.clientId) ? '' : validateJamfClientId(j.clientId),
    clientSecret: null,
  };
  return settings as SettingsBySource[S];
}

/** Settings → Integrations: the connector cards, saving them, and Test connection. */
export class Integrations {
  constructor(
    private readonly store: ConnectorSettingsStore,
    private readonly tester: TestConnection,
    private readonly clock: Clock,
  ) {}

  async view(source: MdmSourceName): Promise<IntegrationView> {
    const saved = await this.store.get(source);
    const ready = readiness(source, saved);
    const { clientSecret, enabled, secretUnreadable, ...fields } = (saved ?? { enabled: false, clientSecret: null }) as Record<string, unknown> & {
      enabled: boolean;
      clientSecret: string | null;
      secretUnreadable?: boolean;
    };
    return {
      source,
      name: sourceDisplayName(source),
      enabled,
      status: ready.configured ? 'Configured' : 'Not configured',
      missing: ready.missing,
      settings: fields as Record<string, string | null>,
      secretStored: !blank(clientSecret),
      secretProblem: secretUnreadable ? new SecretUnreadable().message : null,
      lastTest: await this.lastTestOf(source, saved),
    };
  }

  list(): Promise<IntegrationView[]> {
    return Promise.all(MDM_SOURCES.map((source) => this.view(source)));
  }

  /**
   * The newest test of the values saved now: a test of other values says nothing about them, and does
   * not hide the saved values' own test either.
   */
  private async lastTestOf(source: MdmSourceName, saved: SettingsBySource[MdmSourceName] | null): Promise<RecordedTest | null> {
    if (!saved) return null;
    const key = settingsKey(saved);
    return (await this.store.recentTests(source)).find((test) => test.settingsKey === key) ?? null;
  }

  precedence(): Promise<SourcePrecedence> {
    return this.store.precedence();
  }

  /** Which MDM a device in both follows per platform; applies from the next run. */
  async savePrecedence(input: Partial<Record<string, unknown>>): Promise<SourcePrecedence> {
    const precedence = validatePrecedence(input);
    await this.store.savePrecedence(precedence);
    return precedence;
  }

  /** Seals every stored secret again with the current key (after SECRETS_KEY_PREVIOUS opened it). */
  async resealSecrets(): Promise<MdmSourceName[]> {
    const resealed: MdmSourceName[] = [];
    for (const source of MDM_SOURCES) {
      const stored = await this.store.get(source);
      if (!stored?.clientSecret) continue;
      const { secretUnreadable: _unused, ...settings } = stored;
      await this.store.save(source, settings as SettingsBySource[typeof source]);
      resealed.push(source);
    }
    return resealed;
  }

  async save<S extends MdmSourceName>(source: S, input: SettingsInputBySource[S]): Promise<IntegrationView> {
    const stored = await this.store.get(source);
    await this.store.save(source, validated(source, input, stored));
    return this.view(source);
  }

  /** Tests the saved settings, or the submitted ones (a missing secret taken from the saved settings). */
  async test<S extends MdmSourceName>(source: S, by: string, unsaved?: SettingsInputBySource[S]): Promise<RecordedTest> {
    const stored = await this.store.get(source);
    const settings = unsaved ? validated(source, unsaved, stored) : (stored ?? undefined);
    const check = await this.tester.test(source, settings);
    const recorded: RecordedTest = { ...check, at: this.clock.now().toISOString(), by, onUnsavedValues: !!unsaved, ...(settings ? { settingsKey: settingsKey(settings) } : {}) };
    // One test per set of values, the newest kept: the saved values' test and those of values tried since.
    const others = (await this.store.recentTests(source)).filter((test) => !recorded.settingsKey || test.settingsKey !== recorded.settingsKey);
    await this.store.saveRecentTests(source, [recorded, ...others].slice(0, RECENT_TESTS_KEPT));
    return recorded;
  }
}
