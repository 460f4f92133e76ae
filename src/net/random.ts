import { randomFillSync } from "node:crypto";

/**
 * Uniform numbers in [0, 1) from the operating system's CSPRNG, drawn in
 * blocks so each call costs an array read. On a real host nothing needs to
 * replay, so there is no seed to keep.
 */
export function cryptoRandom(blockSize = 1024): () => number {
  const block = new Uint32Array(blockSize);
  let next = blockSize;
  return () => {
    if (next === blockSize) {
      randomFillSync(block);
      next = 0;
    }
    return (block[next++] as number) / 4_294_967_296;
  };
}
