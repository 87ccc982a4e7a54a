import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { initWasm, Resvg } from '@resvg/resvg-wasm';

/** Where Debian and most Linux distributions keep DejaVu Sans. */
const FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
];

let ready: Promise<void> | undefined;

/**
 * Rasterises an SVG into a PNG file with resvg (WebAssembly, no native download), using the
 * system's DejaVu Sans for text. Returns why not, when it cannot.
 */
export const writePng = async (svg: string, path: string): Promise<string | undefined> => {
  const font = FONTS.find((f) => existsSync(f));
  if (font === undefined) return `no DejaVu Sans font found (looked in ${FONTS.join(', ')})`;
  ready ??= initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
  await ready;
  const resvg = new Resvg(svg, {
    font: { fontBuffers: [readFileSync(font)], defaultFontFamily: 'DejaVu Sans' },
    fitTo: { mode: 'original' },
  });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, resvg.render().asPng());
  resvg.free();
  return undefined;
};
