import { DiscoveryModule } from '@nestjs/core';
import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { loadOpenApiMetadata } from './openapi-document';

@Injectable()
class OpenApiMetadataLoader implements OnModuleInit {
  onModuleInit(): Promise<void> {
    return loadOpenApiMetadata();
  }
}

/** Loads the document's generated metadata while the app starts (the document is built on first request). */
@Module({ imports: [DiscoveryModule], providers: [OpenApiMetadataLoader] })
export class OpenApiModule {}
