import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator';
import type { ReadonlyVisitor as Visitor } from '@nestjs/swagger/dist/plugin';

// The package exports its plugin as `@nestjs/swagger/plugin`; its types live under dist/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ReadonlyVisitor } = require('@nestjs/swagger/plugin') as { ReadonlyVisitor: typeof Visitor };

/** Options of the @nestjs/swagger plugin: DTO properties and their JSDoc become the document. */
export const SWAGGER_PLUGIN_OPTIONS = {
  introspectComments: true,
  classValidatorShim: true,
  dtoFileNameSuffix: ['.dto.ts'],
  controllerFileNameSuffix: ['.controller.ts'],
};

export const PLUGIN_METADATA_FILE = 'plugin-metadata.ts';

/**
 * Writes the @nestjs/swagger plugin's metadata (DTO schemas, response types, JSDoc descriptions
 * and examples) to `plugin-metadata.ts` in `outputDir`. The API loads that file at start, so the
 * document is the same under `nest build`, ts-node and jest alike; a test fails when it is stale.
 * Run `npm run openapi:metadata` after changing a DTO or a controller.
 */
export function generatePluginMetadata(outputDir = __dirname): void {
  new PluginMetadataGenerator().generate({
    visitors: [new ReadonlyVisitor({ ...SWAGGER_PLUGIN_OPTIONS, pathToSource: __dirname })],
    outputDir,
    filename: PLUGIN_METADATA_FILE,
    // The API's sources only: the worker has controllers too (its health and metrics), not in this document.
    tsconfigPath: 'tsconfig.openapi.json',
    printDiagnostics: false,
  });
}

if (require.main === module) generatePluginMetadata();
