// Small real files for the attachment tests: the first bytes are what the type check reads.
import zlib from "node:zlib";

/** A valid 1×1 PNG. */
export function png(extra = 0): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
  const idat = zlib.deflateSync(Buffer.from([0, 255, 0, 0, 255]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", idat),
    chunk("tEXt", Buffer.alloc(extra, 0x41)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The start of a JPEG (JFIF) photo, padded to the size asked. */
export function jpeg(size = 2000): Buffer {
  const head = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length - 2), 0x11), Buffer.from([0xff, 0xd9])]);
}

export function pdf(): Buffer {
  return Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
}

/** Files that must be refused whatever they are called: a Windows program, HTML, plain text, a GIF. */
export const refused: Array<[string, Buffer]> = [
  ["a Windows program named .jpg", Buffer.concat([Buffer.from("MZ"), Buffer.alloc(300, 0x90)])],
  ["an HTML page named .png", Buffer.from("<!doctype html><script>alert(1)</script>")],
  ["plain text named .pdf", Buffer.from("我的身份证号码是11010519491231002X")],
  [
    "a GIF",
    Buffer.from(
      "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
      "latin1",
    ),
  ],
];
