package dev.clipper.stage.encode;

import java.util.Locale;
import java.util.regex.Pattern;

/** Converts {@code #RRGGBB} to ASS's {@code &HAABBGGRR} (blue first, alpha 00 = opaque). */
final class AssColour {
  private static final Pattern RGB = Pattern.compile("#[0-9A-Fa-f]{6}");

  private AssColour() {}

  static String parse(String rgb) {
    return withAlpha(rgb, 0);
  }

  static String withAlpha(String rgb, int alpha) {
    if (rgb == null || !RGB.matcher(rgb).matches()) {
      throw new IllegalArgumentException("colour must be #RRGGBB, got " + rgb);
    }
    String r = rgb.substring(1, 3);
    String g = rgb.substring(3, 5);
    String b = rgb.substring(5, 7);
    return String.format(Locale.ROOT, "&H%02X%s%s%s", alpha, b, g, r).toUpperCase(Locale.ROOT);
  }
}
