import { createCanvas, loadImage } from 'canvas';

export interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Decodes a PNG (as Slack would receive it) into RGBA pixels. */
export async function decodePng(png: Buffer): Promise<Pixels> {
  expect8(png);
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, data: ctx.getImageData(0, 0, img.width, img.height).data };
}

function expect8(png: Buffer): void {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => png[i] === b)) throw new Error('not a PNG file');
}

/** Spearman rank correlation of two equally long series. */
export function spearman(a: number[], b: number[]): number {
  const rank = (xs: number[]) => {
    const order = xs.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(xs.length);
    for (let k = 0; k < order.length;) {
      let j = k;
      while (j + 1 < order.length && order[j + 1]![0] === order[k]![0]) j++;
      for (let t = k; t <= j; t++) r[order[t]![1]] = (k + j) / 2;
      k = j + 1;
    }
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - ma) * (rb[i]! - mb);
    da += (ra[i]! - ma) ** 2;
    db += (rb[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

/** Pixels whose colour passes `test` (r, g, b), as [x, y] pairs. */
export function pixelsWhere(p: Pixels, test: (r: number, g: number, b: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      const i = (y * p.width + x) * 4;
      if (test(p.data[i]!, p.data[i + 1]!, p.data[i + 2]!)) out.push([x, y]);
    }
  }
  return out;
}

/**
 * Hue tests that survive anti-aliasing (a thin line blends with the white background, which
 * keeps its hue but not its exact value): the chart palette's blue, red and orange.
 */
export const HUE = {
  blue: (r: number, g: number, b: number) => b - r > 50 && b - g > 30,
  red: (r: number, g: number, b: number) => r - g > 50 && Math.abs(g - b) < 25,
  orange: (r: number, g: number, b: number) => r - g > 40 && g - b > 30,
};
