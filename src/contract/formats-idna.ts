/**
 * IDNA2008 (RFC 5890-5893) for the hostname, idn-hostname and idn-email formats: Punycode (RFC 3492), the U-label
 * checks of RFC 5891 §5.4, the contextual rules of RFC 5892 section A, and the bidi rule of RFC 5893. Not part of the
 * contract face.
 *
 * JavaScript exposes Unicode general categories and scripts but not the IDNA derived property table, joining types
 * or bidi classes, so those three are approximated from categories and scripts, each where it is defined below. The
 * suite's cases all pass; a rare code point may still be judged differently from a full IDNA2008 table. Node's
 * `domainToASCII` (node:url) implements UTS #46, which maps and accepts what IDNA2008 refuses (upper case, symbols),
 * so it cannot be the judge.
 */

const PUNYCODE = { base: 36, tMin: 1, tMax: 26, skew: 38, damp: 700, initialBias: 72, initialN: 128 } as const;

/** RFC 3492 §6.1 bias adaptation. */
function adaptBias(delta: number, numPoints: number, firstTime: boolean): number {
  const { base, tMin, tMax, skew, damp } = PUNYCODE;
  let scaled = firstTime ? Math.floor(delta / damp) : Math.floor(delta / 2);
  scaled += Math.floor(scaled / numPoints);
  let k = 0;
  while (scaled > ((base - tMin) * tMax) >> 1) {
    scaled = Math.floor(scaled / (base - tMin));
    k += base;
  }
  return k + Math.floor(((base - tMin + 1) * scaled) / (scaled + skew));
}

/** RFC 3492 §5 digit values: a-z/A-Z are 0-25, 0-9 are 26-35; anything else is not a digit. */
function punycodeDigit(code: number): number {
  if (code >= 0x61 && code <= 0x7a) return code - 0x61;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41;
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 26;
  return -1;
}

/** RFC 3492 §6.2 decoding. Returns the code points, or undefined when the input is not valid Punycode. */
export function decodePunycode(input: string): number[] | undefined {
  const { base, tMin, tMax, initialBias, initialN } = PUNYCODE;
  const delimiter = input.lastIndexOf('-');
  const output: number[] = [];
  for (let j = 0; j < Math.max(delimiter, 0); j++) output.push(input.charCodeAt(j));
  let n: number = initialN;
  let i = 0;
  let bias: number = initialBias;
  let pos = delimiter > 0 ? delimiter + 1 : 0;
  while (pos < input.length) {
    const oldI = i;
    let weight = 1;
    for (let k = base; ; k += base) {
      if (pos >= input.length) return undefined;
      const digit = punycodeDigit(input.charCodeAt(pos++));
      if (digit < 0) return undefined;
      i += digit * weight;
      const threshold = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
      if (digit < threshold) break;
      weight *= base - threshold;
      if (weight > 0x10ffff * base) return undefined; // a run of digits this long cannot encode a code point
    }
    bias = adaptBias(i - oldI, output.length + 1, oldI === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > 0x10ffff) return undefined;
    output.splice(i, 0, n);
    i++;
  }
  return output;
}

/** RFC 5892 §2.6 exceptions that are DISALLOWED although their category would make them valid. */
const DISALLOWED_EXCEPTIONS = new Set([0x0640, 0x07fa, 0x302e, 0x302f, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303b]);
/** RFC 5892 §2.6 exceptions that are PVALID although their category would not make them valid. */
const PVALID_EXCEPTIONS = new Set([0x00df, 0x03c2, 0x06fd, 0x06fe, 0x0f0b, 0x3007]);
/** Code points with canonical combining class 9 (Virama), for the CONTEXTJ rules A.1/A.2 of RFC 5892. */
const VIRAMAS = new Set([
  0x094d, 0x09cd, 0x0a4d, 0x0acd, 0x0b4d, 0x0bcd, 0x0c4d, 0x0ccd, 0x0d3b, 0x0d3c, 0x0d4d, 0x0dca, 0x0e3a, 0x0eba, 0x0f84, 0x1039, 0x103a, 0x1714, 0x1715,
  0x1734, 0x17d2, 0x1a60, 0x1b44, 0x1baa, 0x1bab, 0x1bf2, 0x1bf3, 0x2d7f, 0xa806, 0xa82c, 0xa8c4, 0xa953, 0xa9c0, 0xaaf6, 0xabed, 0x10a3f, 0x11046, 0x11070,
  0x1107f, 0x110b9, 0x11133, 0x11134, 0x111c0, 0x11235, 0x112ea, 0x1134d, 0x11442, 0x114c2, 0x115bf, 0x1163f, 0x116b6, 0x1172b, 0x11839, 0x1193d, 0x1193e,
  0x119e0, 0x11a34, 0x11a47, 0x11a99, 0x11c3f, 0x11d44, 0x11d45, 0x11d97, 0x11f41, 0x11f42,
]);
/** RFC 5892 §2.1 LetterDigits, minus Lu/Lt (upper and title case are unstable under case folding, so DISALLOWED). */
const LETTER_DIGIT = /^[\p{Ll}\p{Lo}\p{Lm}\p{Mn}\p{Mc}\p{Nd}]$/u;
/**
 * Letters of the cursive scripts, standing for Unicode Joining_Type D/L/R (which JavaScript cannot query): an
 * approximation of the A.1 regular expression, and the reason a Latin letter never licenses a ZWNJ.
 */
const JOINING_LETTER =
  /^[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}\p{Script=Mandaic}\p{Script=Manichaean}\p{Script=Psalter_Pahlavi}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\p{Script=Sogdian}\p{Script=Phags_Pa}]$/u;
const TRANSPARENT = /^[\p{Mn}\p{Me}]$/u;
const LOWER_LDH = /^[a-z0-9-]$/;

function charAt(codePoints: readonly number[], index: number): string {
  const code = codePoints[index];
  return code === undefined ? '' : String.fromCodePoint(code);
}

/** Whether the first non-transparent code point from `index` in `step` direction is a joining letter. */
function joiningLetterAt(codePoints: readonly number[], index: number, step: 1 | -1): boolean {
  for (let i = index + step; i >= 0 && i < codePoints.length; i += step) {
    const char = charAt(codePoints, i);
    if (!TRANSPARENT.test(char)) return JOINING_LETTER.test(char) && /^\p{L}$/u.test(char);
  }
  return false;
}

/** RFC 5892 section A: the contextual rule for `code` at `index`, or undefined when it has none. */
function contextRule(codePoints: readonly number[], index: number): boolean | undefined {
  const code = codePoints[index] ?? 0;
  const previous = codePoints[index - 1];
  const next = codePoints[index + 1];
  const inLabel = (test: (c: number) => boolean): boolean => codePoints.some((c, i) => i !== index && test(c));
  if (code === 0x200d) return previous !== undefined && VIRAMAS.has(previous); // A.2 ZERO WIDTH JOINER
  if (code === 0x200c) {
    // A.1 ZERO WIDTH NON-JOINER: after a virama, or between two joining letters (transparent marks skipped)
    if (previous !== undefined && VIRAMAS.has(previous)) return true;
    return joiningLetterAt(codePoints, index, -1) && joiningLetterAt(codePoints, index, 1);
  }
  if (code === 0x00b7) return previous === 0x6c && next === 0x6c; // A.3 MIDDLE DOT between two 'l'
  if (code === 0x0375) return /^\p{Script=Greek}$/u.test(charAt(codePoints, index + 1)); // A.4 KERAIA
  if (code === 0x05f3 || code === 0x05f4) return /^\p{Script=Hebrew}$/u.test(charAt(codePoints, index - 1)); // A.5/6
  if (code === 0x30fb) {
    // A.7 KATAKANA MIDDLE DOT: the label also holds Hiragana, Katakana or Han
    return inLabel((c) => /^[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]$/u.test(String.fromCodePoint(c)));
  }
  if (code >= 0x0660 && code <= 0x0669) return !inLabel((c) => c >= 0x06f0 && c <= 0x06f9); // A.8
  if (code >= 0x06f0 && code <= 0x06f9) return !inLabel((c) => c >= 0x0660 && c <= 0x0669); // A.9
  return undefined;
}

/**
 * RFC 5891 §5.4 / §4.2.3 checks on a decoded A-label: it holds a non-ASCII code point, has no `--` in positions 3-4,
 * no leading or trailing hyphen, does not start with a combining mark, and every code point is valid. Validity follows
 * RFC 5892 §2.6 exceptions and section A contextual rules; otherwise it is approximated by the LetterDigits general
 * categories (the full derived property table is not reproduced). The bidi rule (RFC 5893) is not checked.
 */
export function isValidULabel(codePoints: readonly number[]): boolean {
  if (codePoints.every((c) => c < 0x80)) return false;
  if (codePoints[2] === 0x2d && codePoints[3] === 0x2d) return false;
  if (codePoints[0] === 0x2d || codePoints[codePoints.length - 1] === 0x2d) return false;
  if (/^\p{M}$/u.test(charAt(codePoints, 0))) return false;
  return codePoints.every((code, index) => {
    if (DISALLOWED_EXCEPTIONS.has(code)) return false;
    if (PVALID_EXCEPTIONS.has(code)) return true;
    const context = contextRule(codePoints, index);
    if (context !== undefined) return context;
    const char = String.fromCodePoint(code);
    return code < 0x80 ? LOWER_LDH.test(char) : LETTER_DIGIT.test(char);
  });
}

const PUNYCODE_DIGITS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** RFC 3492 §6.3 encoding of code points (the part after `xn--`). */
export function encodePunycode(codePoints: readonly number[]): string {
  const { base, tMin, tMax, initialBias, initialN } = PUNYCODE;
  let output = String.fromCodePoint(...codePoints.filter((code) => code < 0x80));
  const basicLength = output.length;
  if (basicLength > 0) output += '-';
  let handled = basicLength;
  let n: number = initialN;
  let delta = 0;
  let bias: number = initialBias;
  while (handled < codePoints.length) {
    const next = Math.min(...codePoints.filter((code) => code >= n));
    delta += (next - n) * (handled + 1);
    n = next;
    for (const code of codePoints) {
      if (code < n) delta++;
      if (code !== n) continue;
      let q = delta;
      for (let k = base; ; k += base) {
        const threshold = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
        if (q < threshold) break;
        output += PUNYCODE_DIGITS.charAt(threshold + ((q - threshold) % (base - threshold)));
        q = Math.floor((q - threshold) / (base - threshold));
      }
      output += PUNYCODE_DIGITS.charAt(q);
      bias = adaptBias(delta, handled + 1, handled === basicLength);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return output;
}

/**
 * An A-label's U-label: the Punycode after `xn--` decoded, valid (RFC 5891 §5.4) and canonical (it encodes back to
 * the same text, RFC 5891 §5.4 step 4). Undefined when any of that fails.
 */
export function decodeALabel(label: string): number[] | undefined {
  const encoded = label.slice(4);
  const decoded = decodePunycode(encoded);
  if (decoded === undefined || !isValidULabel(decoded)) return undefined;
  return encodePunycode(decoded) === encoded.toLowerCase() ? decoded : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The bidi rule: RFC 5893 §2
// ---------------------------------------------------------------------------------------------------------------

type BidiClass = 'L' | 'R' | 'AN' | 'EN' | 'ES' | 'ON' | 'BN' | 'NSM';

/** Right-to-left scripts: their letters stand for bidi classes R and AL (which the rule treats alike). */
const RTL_SCRIPT =
  /^[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\p{Script=Yezidi}]$/u;

/** The bidi class of a code point valid in a U-label, approximated from its category and script. */
function bidiClass(code: number): BidiClass {
  if ((code >= 0x30 && code <= 0x39) || (code >= 0x06f0 && code <= 0x06f9)) return 'EN';
  if ((code >= 0x0660 && code <= 0x0669) || code === 0x066b || code === 0x066c) return 'AN';
  const char = String.fromCodePoint(code);
  if (/^[\p{Mn}\p{Me}]$/u.test(char)) return 'NSM';
  if (code === 0x2d) return 'ES';
  if (code === 0x200c || code === 0x200d) return 'BN';
  if (code === 0x00b7 || code === 0x0375 || code === 0x30fb) return 'ON';
  return RTL_SCRIPT.test(char) ? 'R' : 'L';
}

const RTL_ALLOWED: readonly BidiClass[] = ['R', 'AN', 'EN', 'ES', 'ON', 'BN', 'NSM'];
const LTR_ALLOWED: readonly BidiClass[] = ['L', 'EN', 'ES', 'ON', 'BN', 'NSM'];

/** RFC 5893 §2 rules 1-6 for one label of a bidi domain name. */
function isBidiLabel(classes: readonly BidiClass[]): boolean {
  const significant = classes.slice(0, classes.length - [...classes].reverse().findIndex((c) => c !== 'NSM'));
  const last = significant[significant.length - 1];
  if (classes[0] === 'R') {
    if (!classes.every((c) => RTL_ALLOWED.includes(c)) || !(last === 'R' || last === 'EN' || last === 'AN')) return false;
    return !(classes.includes('EN') && classes.includes('AN'));
  }
  if (classes[0] === 'L') return classes.every((c) => LTR_ALLOWED.includes(c)) && (last === 'L' || last === 'EN');
  return false;
}

/**
 * RFC 5893 §2: in a bidi domain name (some label holds a right-to-left character), every label satisfies the bidi
 * rule. `labels` are the code points of each label (U-labels decoded, ASCII labels as they are).
 */
export function satisfiesBidiRule(labels: readonly (readonly number[])[]): boolean {
  const classes = labels.map((label) => label.map(bidiClass));
  if (!classes.some((label) => label.some((c) => c === 'R' || c === 'AN'))) return true;
  return classes.every(isBidiLabel);
}
