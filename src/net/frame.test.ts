import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameDecoder, FrameWriter } from "./frame.js";
import { codec } from "./wire.js";

function collect(decoder: FrameDecoder, chunks: Buffer[]): { frames: string[]; error: unknown } {
  const frames: string[] = [];
  let error: unknown;
  for (const chunk of chunks) {
    error = decoder.push(chunk, (buf, start, end) =>
      frames.push(buf.toString("latin1", start, end)),
    );
    if (error !== undefined) break;
  }
  return { frames, error };
}

describe("framing", () => {
  it("a batch written in one buffer decodes to the same frames, whatever the chunking", () => {
    const writer = new FrameWriter(8);
    const bodies = ["a", "bc", "", "x".repeat(300)];
    for (const b of bodies) writer.append(7, Buffer.from(b, "latin1"));
    const bytes = writer.take();
    expect(writer.size).toBe(0);
    const expected = bodies.map((b) => `\x07${b}`);
    for (const size of [1, 2, 3, 5, 64, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(collect(new FrameDecoder(1024), chunks)).toEqual({
        frames: expected,
        error: undefined,
      });
    }
  });

  it("property: any frames, cut into any chunks, decode to the same frames in order", () => {
    const frameArb = fc.record({
      kind: fc.integer({ min: 0, max: 255 }),
      body: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1 }),
        (frames, cuts) => {
          const writer = new FrameWriter(16);
          for (const f of frames) writer.append(f.kind, f.body);
          const bytes = writer.take();
          const decoder = new FrameDecoder(1024);
          const seen: { kind: number; body: Uint8Array }[] = [];
          let pos = 0;
          for (let i = 0; pos < bytes.length; i++) {
            const size = cuts[i % cuts.length] ?? 1;
            const error = decoder.push(bytes.subarray(pos, pos + size), (buf, start, end) =>
              seen.push({
                kind: buf[start] ?? -1,
                body: new Uint8Array(buf.subarray(start + 1, end)),
              }),
            );
            expect(error).toBeUndefined();
            pos += size;
          }
          expect(seen).toEqual(frames.map((f) => ({ kind: f.kind, body: new Uint8Array(f.body) })));
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses an oversized frame from its header alone, naming length and offset", () => {
    const writer = new FrameWriter();
    writer.append(2, Buffer.from("ok"));
    const ok = writer.take();
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1_000_000);
    const { frames, error } = collect(new FrameDecoder(100), [ok, header]);
    expect(frames).toEqual(["\x02ok"]);
    expect(error).toEqual({ reason: "oversized", length: 1_000_000, offset: ok.length });
  });

  it("refuses an empty frame", () => {
    expect(collect(new FrameDecoder(100), [Buffer.alloc(4)]).error).toEqual({
      reason: "empty",
      length: 0,
      offset: 0,
    });
  });

  it("a large frame in many small chunks arrives whole, once", () => {
    const writer = new FrameWriter();
    const body = Buffer.alloc(100_000, 7);
    writer.append(2, body);
    writer.append(2, Buffer.from("next"));
    const bytes = writer.take();
    const frames: number[] = [];
    const decoder = new FrameDecoder(1 << 20);
    for (let i = 0; i < bytes.length; i += 1000) {
      expect(
        decoder.push(bytes.subarray(i, i + 1000), (_b, start, end) => frames.push(end - start)),
      ).toBeUndefined();
    }
    expect(frames).toEqual([100_001, 5]);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it("buffers at most one partial frame", () => {
    const decoder = new FrameDecoder(100);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(50);
    expect(decoder.push(Buffer.concat([header, Buffer.alloc(10)]), () => {})).toBeUndefined();
    expect(decoder.bufferedBytes).toBe(14);
  });

  it("a batch frame is a msgpack array of the items appended, and an empty batch writes nothing", () => {
    const writer = new FrameWriter(4);
    writer.beginBatch(3);
    writer.endBatch();
    expect(writer.size).toBe(0);
    const items = [{ type: "d", n: 1 }, "two", [3]];
    writer.beginBatch(3);
    for (const item of items) writer.appendItem(codec.pack(item));
    expect(writer.batchItems).toBe(3);
    writer.endBatch();
    const bytes = writer.take();
    const frames: unknown[] = [];
    new FrameDecoder(1024).push(bytes, (buf, start, end) => {
      expect(buf[start]).toBe(3);
      frames.push(codec.unpack(buf.subarray(start + 1, end)));
    });
    expect(frames).toEqual([items]);
  });
});
