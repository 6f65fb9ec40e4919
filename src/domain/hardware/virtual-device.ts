/**
 * Virtual machines and Cloud PCs are registrations, not assets: the import skips them.
 * Matched against manufacturer + model (+ model identifier), case-insensitively.
 */
const VIRTUAL_SIGNS: readonly RegExp[] = [
  /\bvirtual machine\b/i,
  /\bvmware\b/i,
  /\bvirtualbox\b/i,
  /\binnotek\b/i,
  /\bqemu\b/i,
  /\bkvm\b/i,
  /\bparallels\b/i,
  /\bhyper-v\b/i,
  /\bcloud pc\b/i,
  /\bxen\b/i,
  /\bgoogle compute engine\b/i,
  /\bamazon ec2\b/i,
  /\bvirtualmac/i,
  /\bbochs\b/i,
];

export interface VirtualCheck {
  manufacturer: string | null;
  model: string | null;
  modelIdentifier?: string | null;
}

export function isVirtualDevice({ manufacturer, model, modelIdentifier }: VirtualCheck): boolean {
  const text = [manufacturer, model, modelIdentifier].filter(Boolean).join(' ');
  return text !== '' && VIRTUAL_SIGNS.some((sign) => sign.test(text));
}
