import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

/** A solid-colour image of this size; `color` defaults to mid grey. */
export interface ImageSpec {
  w: number;
  h: number;
  color?: string;
}

export type FileSpec = string | ImageSpec;

/** A temporary folder for one test file's fixtures, removed by the returned cleanup. */
export function tempRoot(prefix: string): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Writes the files under `root/name`: strings as text, ImageSpecs as images (by suffix). */
export async function writeFiles(root: string, name: string, files: Record<string, FileSpec>): Promise<string> {
  const dir = join(root, name);
  for (const [rel, content] of Object.entries(files)) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    if (typeof content === 'string') writeFileSync(file, content);
    else await sharp({ create: { width: content.w, height: content.h, channels: 3, background: content.color ?? '#808080' } }).toFile(file);
  }
  return dir;
}

/** A labelImg-style Pascal VOC annotation, one line per element so line numbers are predictable. */
export function vocXml(file: string, w: number, h: number, objects: { name: string; box: number[]; difficult?: boolean }[]): string {
  const lines = ['<annotation>', `  <filename>${file}</filename>`, '  <size>', `    <width>${w}</width>`, `    <height>${h}</height>`, '    <depth>3</depth>', '  </size>'];
  for (const o of objects) {
    lines.push(
      '  <object>',
      `    <name>${o.name}</name>`,
      `    <difficult>${o.difficult ? 1 : 0}</difficult>`,
      '    <bndbox>',
      `      <xmin>${o.box[0]}</xmin>`,
      `      <ymin>${o.box[1]}</ymin>`,
      `      <xmax>${o.box[2]}</xmax>`,
      `      <ymax>${o.box[3]}</ymax>`,
      '    </bndbox>',
      '  </object>',
    );
  }
  lines.push('</annotation>');
  return lines.join('\n');
}
