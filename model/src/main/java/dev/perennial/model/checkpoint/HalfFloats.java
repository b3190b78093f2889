package dev.perennial.model.checkpoint;

/** IEEE 754 half-precision conversion (Java 17 has no {@code Float.float16ToFloat}). */
final class HalfFloats {

  private HalfFloats() {}

  static float toFloat(short half) {
    int bits = half & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1F;
    int mantissa = bits & 0x3FF;
    if (exponent == 0x1F) {
      // infinity or NaN
      return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal: value = mantissa * 2^-24
      float value = mantissa * 0x1p-24f;
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** Rounds to nearest even; used by tests that write F16 checkpoints. */
  static short fromFloat(float value) {
    int bits = Float.floatToIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = ((bits >>> 23) & 0xFF) - 127 + 15;
    int mantissa = bits & 0x7FFFFF;
    if (((bits >>> 23) & 0xFF) == 0xFF) {
      return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0));
    }
    if (exponent >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (exponent <= 0) {
      if (exponent < -10) {
        return (short) sign;
      }
      mantissa |= 0x800000;
      int shift = 14 - exponent;
      int rounded = (mantissa + (1 << (shift - 1)) - 1 + ((mantissa >>> shift) & 1)) >>> shift;
      return (short) (sign | rounded);
    }
    int rounded = mantissa + 0xFFF + ((mantissa >>> 13) & 1);
    if ((rounded & 0x800000) != 0) {
      rounded = 0;
      exponent++;
      if (exponent >= 0x1F) {
        return (short) (sign | 0x7C00);
      }
    }
    return (short) (sign | (exponent << 10) | (rounded >>> 13));
  }
}
