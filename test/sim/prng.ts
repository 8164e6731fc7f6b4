// Deterministic pseudo-random numbers (sfc32) for ids, jitter, scheduling ties and failure draws.
import { createHash, randomInt } from "node:crypto";

/** A seeded random stream; the same seed always yields the same sequence. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  private word(): number {
    return (this.next() * 0x100000000) >>> 0;
  }

  /** `n` lowercase hex digits. */
  hex(n: number): string {
    let out = "";
    while (out.length < n) out += hex32(this.word());
    return out.slice(0, n);
  }

  /** A version-4 UUID. */
  uuid(): string {
    const a = hex32(this.word());
    const b = hex32(((this.word() & 0xffff0fff) | 0x00004000) >>> 0);
    const c = hex32(((this.word() & 0x3fffffff) | 0x80000000) >>> 0);
    const d = hex32(this.word());
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
  }

  /** An independent stream derived from this seed and a label. */
  fork(label: string): Prng {
    return new Prng(hashSeed(`${this.seed}:${label}`));
  }
}

const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function hex32(w: number): string {
  return (BYTE_HEX[w >>> 24] ?? "") + (BYTE_HEX[(w >>> 16) & 255] ?? "") + (BYTE_HEX[(w >>> 8) & 255] ?? "") + (BYTE_HEX[w & 255] ?? "");
}

/** A 32-bit seed from any string. */
export function hashSeed(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32LE(0);
}

/** A random seed, for runs that did not ask for determinism. */
export function randomSeed(): number {
  return randomInt(1, 0x7fffffff);
}

/** A stable 32-hex-digit id (Keystone style) derived from a name. */
export function stableHexId(name: string): string {
  return createHash("md5").update(name).digest("hex");
}
