import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import { DataError } from '../../models/errors.js';
import { IMAGE_EXTENSIONS, imagesIn } from '../detect/inputs.js';
import { log } from '../log.js';
import { Pacer } from './pacer.js';
import { SourceBase } from './source-base.js';

const JPEG_EXTENSIONS = new Set(['.jpg', '.jpeg']);

/**
 * The images of a folder (sorted by name, not sub-folders) as frames at `fps`, over and over.
 * Files are read at each turn, not kept in memory; other formats are encoded to JPEG on the way,
 * and a file that cannot be read or decoded is counted as corrupt and skipped.
 */
export class ImageFolderSource extends SourceBase {
  private readonly files: string[];
  private readonly pacer: Pacer;
  private next = 0;
  /** Files already warned about: a bad file is seen on every turn of the loop. */
  private readonly warned = new Set<string>();

  /** The frame being repeated and how many more times, when each image is held for several frames. */
  private held: { jpeg: Buffer; left: number } | null = null;

  /**
   * `kindForErrors` names the source spec in errors (`images:<folder>`, `demo`); each image is
   * sent `framesPerImage` times in a row, as a camera would see a still scene.
   */
  constructor(
    name: string,
    folder: string,
    fps: number,
    kindForErrors: string,
    private readonly framesPerImage = 1,
  ) {
    super(name);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new DataError(folder, `no such folder (camera source ${kindForErrors})`);
    this.files = imagesIn(folder);
    if (!this.files.length) throw new DataError(folder, `no images in folder (camera source ${kindForErrors}; types: ${[...IMAGE_EXTENSIONS].join(' ')})`);
    this.pacer = new Pacer(fps, () => this.tick());
  }

  protected begin(): void {
    this.pacer.start();
  }

  async stop(): Promise<void> {
    await this.pacer.stop();
  }

  private async tick(): Promise<void> {
    if (this.held && this.held.left > 0) {
      this.held.left--;
      this.offer(this.held.jpeg);
      return;
    }
    const file = this.files[this.next]!;
    this.next = (this.next + 1) % this.files.length;
    let jpeg: Buffer;
    try {
      jpeg = JPEG_EXTENSIONS.has(extname(file).toLowerCase()) ? await readFile(file) : await sharp(file).jpeg({ quality: 90 }).toBuffer();
    } catch (e) {
      this.countCorrupt();
      const level = this.warned.has(file) ? 'debug' : 'warn';
      this.warned.add(file);
      log[level]({ source: this.name, file }, `image skipped: ${(e as Error).message}`);
      return;
    }
    this.held = { jpeg, left: this.framesPerImage - 1 };
    this.offer(jpeg);
  }
}
