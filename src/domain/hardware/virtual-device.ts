/**
 * Virtual machines and Cloud PCs are registrations, not assets: the import skips them.
 * Matched against manufacturer + model (+ model identifier), case-insensitively.
 */
const VIRTUAL_SIGNS: readonly string[] = [
  'virtual machine', 'vmware', 'virtualbox', 'innotek', 'qemu', 'kvm', 'parallels', 'hyper-v', 'cloud pc', 'xen',
  'google compute engine', 'amazon ec2', 'bochs',
];
/** Whole words, except "VirtualMac" (VirtualMac2,1 and the like). One pattern: every entry of every run is screened. */
const VIRTUAL = new RegExp(`\\b(?:(?:${VIRTUAL_SIGNS.join('|')})\\b|virtualmac)`, 'i');

export interface VirtualCheck {
  manufacturer: string | null;
  model: string | null;
  modelIdentifier?: string | null;
}

export function isVirtualDevice({ manufacturer, model, modelIdentifier }: VirtualCheck): boolean {
  const text = [manufacturer, model, modelIdentifier].filter(Boolean).join(' ');
  return text !== '' && VIRTUAL.test(text);
}
