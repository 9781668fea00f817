/** A source spec with any user and password of its URL masked (`rtsp://***@cam/stream`), for pages and metrics. */
export function hideCredentials(spec: string): string {
  return spec.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}
