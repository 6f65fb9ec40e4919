import type { AssetTagConvention } from '../../domain/hardware/asset-tag.js';

export interface WorkspaceSettings {
  assetTagConvention(): Promise<AssetTagConvention>;
}
