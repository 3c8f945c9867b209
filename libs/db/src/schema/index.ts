export * from './columns';
export * from './plans';
export * from './tenants';
export * from './system-admins';
export * from './users';
export * from './projects';
export * from './tasks';
