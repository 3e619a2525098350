/**
 * The dense linear algebra the speaker model needs, on row-major Float64Arrays: Cholesky
 * factorisation and solves, inverses of symmetric positive-definite matrices, packed symmetric
 * storage and a Jacobi eigensolver. Sizes are small (≤ a few hundred), so plain loops suffice.
 */

/** Number of values of an n × n symmetric matrix stored packed (upper triangle, row by row). */
export function packedSize(n: number): number {
  return (n * (n + 1)) / 2;
}

/** Expands a packed upper triangle into a full n × n symmetric matrix. */
export function unpackSymmetric(packed: Float64Array, n: number, out?: Float64Array): Float64Array {
  const full = out ?? new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = packed[k++]!;
      full[i * n + j] = v;
      full[j * n + i] = v;
    }
  }
  return full;
}

/**
 * In-place Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite n × n matrix; the
 * lower triangle of `a` becomes L (the upper triangle is left as is). Throws when A is not
 * positive definite.
 */
export function choleskyInPlace(a: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let d = a[rowJ + j]!;
    for (let k = 0; k < j; k++) d -= a[rowJ + k]! * a[rowJ + k]!;
    if (!(d > 0)) throw new RangeError(`matrix is not positive definite (pivot ${j})`);
    const ljj = Math.sqrt(d);
    a[rowJ + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let s = a[rowI + j]!;
      for (let k = 0; k < j; k++) s -= a[rowI + k]! * a[rowJ + k]!;
      a[rowI + j] = s * inv;
    }
  }
}

/** Solves L·Lᵀ·x = b in place in `b`, with L the lower triangle of `l` (from choleskyInPlace). */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[row + k]! * b[k]!;
    b[i] = s / l[row + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
}

/**
 * The inverse of a symmetric positive-definite matrix from its Cholesky factor (lower triangle
 * of `l`), as a full n × n matrix.
 */
export function choleskyInverse(l: Float64Array, n: number, out?: Float64Array): Float64Array {
  const inv = out ?? new Float64Array(n * n);
  // inv = L⁻ᵀ·L⁻¹.
  const li = lowerTriangularInverse(l, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += li[k * n + i]! * li[k * n + j]!;
      inv[i * n + j] = s;
      inv[j * n + i] = s;
    }
  }
  return inv;
}

/** L⁻¹ (lower triangular, full n × n storage) of the lower triangle of `l`. */
export function lowerTriangularInverse(l: Float64Array, n: number): Float64Array {
  const li = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    li[j * n + j] = 1 / l[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[i * n + k]! * li[k * n + j]!;
      li[i * n + j] = s / l[i * n + i]!;
    }
  }
  return li;
}

/** The inverse of a symmetric positive-definite matrix (the input is not modified). */
export function inverseSpd(a: Float64Array, n: number): Float64Array {
  const l = Float64Array.from(a);
  choleskyInPlace(l, n);
  return choleskyInverse(l, n);
}

/**
 * Eigen-decomposition of a symmetric n × n matrix by cyclic Jacobi rotations. Returns the
 * eigenvalues in descending order and the matching eigenvectors as the rows of `vectors`.
 */
export function symmetricEigen(
  a: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += m[i * n + i]! * m[i * n + i]!;
      for (let j = i + 1; j < n; j++) off += m[i * n + j]! * m[i * n + j]!;
    }
    if (off <= 1e-22 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p]!;
          const mkq = m[k * n + q]!;
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k]!;
          const mqk = m[q * n + k]!;
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vpk = v[p * n + k]!;
          const vqk = v[q * n + k]!;
          v[p * n + k] = c * vpk - s * vqk;
          v[q * n + k] = s * vpk + c * vqk;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => m[j * n + j]! - m[i * n + i]!,
  );
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src]!;
    vectors.set(v.subarray(src * n, src * n + n), dst * n);
  });
  return { values, vectors };
}

/** C = A·B for row-major A (r × k) and B (k × c). */
export function matMul(
  a: Float64Array,
  b: Float64Array,
  r: number,
  k: number,
  c: number,
): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    for (let t = 0; t < k; t++) {
      const av = a[i * k + t]!;
      if (av === 0) continue;
      const bRow = t * c;
      const oRow = i * c;
      for (let j = 0; j < c; j++) out[oRow + j] = out[oRow + j]! + av * b[bRow + j]!;
    }
  }
  return out;
}

/** Scales `v` in place to unit Euclidean length (left as is when it is all zeros). */
export function normalizeInPlace(v: Float32Array | Float64Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  if (s <= 0) return;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * inv;
}

/** Σ a[i]·b[i]. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>, n = a.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}
