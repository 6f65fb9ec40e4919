import type { AssetTagConvention } from '../../domain/hardware/asset-tag.js';
import type { SourcePrecedence } from '../../domain/hardware/source-precedence.js';

export interface WorkspaceSettings {
  assetTagConvention(): Promise<AssetTagConvention>;
  /** Which MDM a device reported by both follows, per platform (an admin setting). */
  sourcePrecedence(): Promise<SourcePrecedence>;
}
