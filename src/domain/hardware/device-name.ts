import { normaliseEmail } from './email-address.js';

export interface NameParts {
  model: string | null;
  manufacturer: string | null;
  serial: string;
  assigneeName: string | null;
  mdmDeviceName: string | null;
}

const COMPANY_SUFFIX = /,?\s*(inc\.?|corporation|corp\.?|ltd\.?|co\.?)$/i;

/** "MacBook Pro (14-inch, 2023)" → "MacBook Pro"; "Dell Inc. Latitude 7440" (maker Dell Inc.) → "Latitude 7440". */
export function shortModel(model: string | null, manufacturer: string | null): string | null {
  if (!model) return null;
  let short = model.replace(/\s*\(.*?\)\s*/g, ' ').trim();
  if (manufacturer) {
    // The maker as reported ("Dell Inc. Latitude 7440") or without its company suffix ("Dell Latitude 7440").
    const maker = manufacturer.trim();
    const brand = maker.replace(COMPANY_SUFFIX, '').trim();
    const repeated = [maker, brand].find((prefix) => prefix && short.toLowerCase().startsWith(prefix.toLowerCase() + ' '));
    const rest = repeated ? short.slice(repeated.length).trim() : '';
    if (rest && !COMPANY_SUFFIX.test(` ${rest}`)) short = rest;
  }
  return short || null;
}

function possessive(firstName: string): string {
  return `${firstName}'s`;
}

/**
 * The holder's first name: "Alice Martin" → Alice, and "Martin, Alice", as directories that put the
 * family name first write it, → Alice.
 */
function firstNameOf(name: string | null): string | undefined {
  const [family = '', given = ''] = (name ?? '').split(',', 2);
  return (given.trim() || family.trim()).split(/\s+/)[0] || undefined;
}

/**
 * A derived name, set once on create: "Alice's MacBook Pro" when the device is assigned,
 * otherwise the MDM's device name, otherwise the model and serial.
 */
export function deriveName({ model, manufacturer, serial, assigneeName, mdmDeviceName }: NameParts): string {
  const product = shortModel(model, manufacturer) ?? 'Device';
  const firstName = firstNameOf(assigneeName);
  if (firstName) return `${possessive(firstName)} ${product}`;
  if (mdmDeviceName && mdmDeviceName.toUpperCase() !== serial) return mdmDeviceName;
  return `${product} ${serial}`;
}

/**
 * The directory's display name, or a name read from the email's local part (alice.smith@ → Alice). A
 * display name that is itself an address, as directories give guests and users loaded without a name,
 * counts as none: the device would be named "alice.smith@acme.example's MacBook Pro".
 */
export function personName(displayName: string | null, email: string): string {
  const shown = displayName?.trim();
  if (shown && normaliseEmail(shown) === null) return shown;
  const local = email.split('@')[0] ?? '';
  const first = local.split(/[._\-+]/)[0] ?? '';
  return first ? first[0]!.toUpperCase() + first.slice(1) : email;
}
