/** class-transformer's metadata registry (what @Type and @Transform record), which the package does not re-export. */
declare module 'class-transformer/cjs/storage.js' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage.js';
}
