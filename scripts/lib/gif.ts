/**
 * Encodes an animated GIF of solid-colour frames (a first frame and the rest), so tests can
 * check that Glimpse reads the first frame. Plain LZW, no dependencies.
 */
export function encodeAnimatedGif(
  width: number,
  height: number,
  frames: [number, number, number][],
  delayCs = 50,
): Buffer {
  const palette = frames.slice(0, 4);
  while (palette.length < 4) palette.push([0, 0, 0]);
  const bytes: number[] = [];
  const push = (...b: number[]) => bytes.push(...b);
  const u16 = (n: number) => push(n & 0xff, (n >> 8) & 0xff);
  push(...Buffer.from('GIF89a'));
  u16(width);
  u16(height);
  push(0b1111_0001, 0, 0); // global colour table, 2 bits per entry (4 colours)
  for (const [r, g, b] of palette) push(r, g, b);
  push(0x21, 0xff, 11, ...Buffer.from('NETSCAPE2.0'), 3, 1, 0, 0, 0); // loop forever
  frames.forEach((_, index) => {
    push(0x21, 0xf9, 4, 0, delayCs & 0xff, delayCs >> 8, 0, 0); // frame delay
    push(0x2c);
    u16(0);
    u16(0);
    u16(width);
    u16(height);
    push(0);
    const data = lzw(new Array(width * height).fill(index), 2);
    push(2);
    for (let i = 0; i < data.length; i += 255) {
      const block = data.slice(i, i + 255);
      push(block.length, ...block);
    }
    push(0);
  });
  push(0x3b);
  return Buffer.from(bytes);
}

function lzw(pixels: number[], minCodeSize: number): number[] {
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  const out: number[] = [];
  let bitBuffer = 0;
  let bitCount = 0;
  let codeSize = minCodeSize + 1;
  const emit = (code: number) => {
    bitBuffer |= code << bitCount;
    bitCount += codeSize;
    while (bitCount >= 8) {
      out.push(bitBuffer & 0xff);
      bitBuffer >>= 8;
      bitCount -= 8;
    }
  };
  let table = new Map<string, number>();
  let next = end + 1;
  const reset = () => {
    table = new Map();
    next = end + 1;
    codeSize = minCodeSize + 1;
  };
  emit(clear);
  let prefix = String(pixels[0]);
  for (const pixel of pixels.slice(1)) {
    const key = `${prefix},${pixel}`;
    if (table.has(key)) {
      prefix = key;
      continue;
    }
    emit(prefix.includes(',') ? (table.get(prefix) as number) : Number(prefix));
    if (next < 4096) {
      table.set(key, next++);
      if (next > 1 << codeSize && codeSize < 12) codeSize++;
    } else {
      emit(clear);
      reset();
    }
    prefix = String(pixel);
  }
  emit(prefix.includes(',') ? (table.get(prefix) as number) : Number(prefix));
  emit(end);
  if (bitCount > 0) out.push(bitBuffer & 0xff);
  return out;
}
