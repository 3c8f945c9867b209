/** HTTP exceptions that libs and apps throw alike; the API's exception filter answers them. */
export * from './too-many-requests.exception';
