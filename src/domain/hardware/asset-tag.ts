import { DomainError } from '../shared/domain-error.js';

/** The workspace's asset tag convention: a prefix and a zero-padded sequence, such as HW-00042. */
export interface AssetTagConvention {
  prefix: string;
  digits: number;
}

export function formatAssetTag({ prefix, digits }: AssetTagConvention, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1) {
    throw new DomainError('invalid-asset-tag-sequence', `Asset tag sequence ${sequence} is not a positive whole number.`);
  }
  return `${prefix}${String(sequence).padStart(digits, '0')}`;
}

export function validateConvention(convention: AssetTagConvention): AssetTagConvention {
  if (!/^[A-Za-z0-9][A-Za-z0-9\-_/.]{0,15}$/.test(convention.prefix)) {
    throw new DomainError(
      'invalid-asset-tag-prefix',
      `Asset tag prefix ${JSON.stringify(convention.prefix)} is not allowed.`,
      'assetTagPrefix',
      'Use 1–16 letters, digits or - _ / . starting with a letter or digit, for example "HW-".',
    );
  }
  if (!Number.isInteger(convention.digits) || convention.digits < 1 || convention.digits > 12) {
    throw new DomainError(
      'invalid-asset-tag-digits',
      `Asset tag digits ${convention.digits} is out of range.`,
      'assetTagDigits',
      'Use a whole number from 1 to 12, for example 5 for HW-00042.',
    );
  }
  return convention;
}
