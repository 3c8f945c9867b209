import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePluginMetadata, PLUGIN_METADATA_FILE } from './generate-plugin-metadata';

describe('OpenAPI plugin metadata', () => {
  it('is current: run `npm run openapi:metadata` after changing a DTO or a controller', () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-metadata-'));
    try {
      generatePluginMetadata(dir);
      // The generator writes imports relative to this folder whatever the output folder is.
      expect(readFileSync(join(dir, PLUGIN_METADATA_FILE), 'utf8')).toBe(readFileSync(join(__dirname, PLUGIN_METADATA_FILE), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
