import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { projectRoot } from '../../models/paths.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The page's files, `device/http/public/` in the project (or bundle) root: read from there rather
 * than from dist/, since tsc copies no HTML.
 */
export function publicDir(): string {
  return join(projectRoot(), 'device', 'http', 'public');
}

export interface StaticFile {
  type: string;
  body: Buffer;
}

/** The page's few small files, read once at start; `/` is `index.html`. */
export class StaticFiles {
  private readonly files = new Map<string, StaticFile>();
  /** Why the files could not be read, shown instead of the page; null when all is well. */
  readonly error: string | null = null;

  constructor(readonly dir = publicDir()) {
    try {
      for (const name of readdirSync(dir)) {
        const type = TYPES[extname(name).toLowerCase()];
        if (type) this.files.set(`/${name}`, { type, body: readFileSync(join(dir, name)) });
      }
      if (!this.files.has('/index.html')) throw new Error('index.html is missing');
      this.files.set('/', this.files.get('/index.html')!);
    } catch (e) {
      this.error = `the web page's files in ${dir} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
    }
  }

  get(path: string): StaticFile | undefined {
    return this.files.get(path);
  }
}
