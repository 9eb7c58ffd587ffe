package dev.clipper.stage.encode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The font the captions will actually be drawn with. libass silently substitutes a font it cannot find, so
 * the encoder checks up front: the configured font is used when a font file in its directory (or in the
 * system font directories, which libass reaches through fontconfig) carries that name; otherwise the fallback
 * (DejaVu Sans, drawn bold) is used and {@link #fallback()} says so.
 *
 * @param name the family name to put in the ASS style
 * @param dir the directory to hand to ffmpeg as {@code fontsdir}, or null when fontconfig suffices
 * @param fallback true when the configured font was not found
 */
public record CaptionFont(String name, Path dir, boolean fallback) {
  private static final List<Path> SYSTEM_FONT_DIRS = List.of(Path.of("/usr/share/fonts"),
      Path.of("/usr/local/share/fonts"));

  /**
   * A generous average advance of a capital letter (spaces included), in em, used to fit words to the frame
   * width: League Spartan Black capitals measured about 0.4 em, DejaVu Sans Bold's are wider.
   */
  double charWidthEm() {
    return fallback ? 0.62 : 0.45;
  }

  public static CaptionFont resolve(CaptionSettings settings) {
    String wanted = settings.fontName().toLowerCase(Locale.ROOT);
    Path dir = settings.fontsDir();
    if (dir != null && Files.isDirectory(dir) && containsFont(dir, wanted)) {
      return new CaptionFont(settings.fontName(), dir, false);
    }
    for (Path system : SYSTEM_FONT_DIRS) {
      if (Files.isDirectory(system) && containsFont(system, wanted)) {
        return new CaptionFont(settings.fontName(), null, false);
      }
    }
    return new CaptionFont(settings.fallbackFontName(), null, true);
  }

  private static boolean containsFont(Path dir, String lowerName) {
    try (Stream<Path> files = Files.walk(dir, 4)) {
      return files.filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(otf|ttf|ttc|otc)"))
          .anyMatch(f -> namesOf(f).contains(lowerName));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The family, full, PostScript and typographic family names (name IDs 1, 4, 6, 16) of a font file,
   * lower-cased: the names libass matches a style's font name against. Empty when the file is unreadable.
   */
  static Set<String> namesOf(Path fontFile) {
    Set<String> names = new HashSet<>();
    try {
      ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(fontFile));
      if (buf.getInt(0) == 0x74746366) { // 'ttcf': a collection of fonts
        int count = buf.getInt(8);
        for (int i = 0; i < count && i < 64; i++) readNames(buf, buf.getInt(12 + 4 * i), names);
      } else {
        readNames(buf, 0, names);
      }
    } catch (IOException | RuntimeException e) {
      // not a font we can read: it contributes no names
    }
    return names;
  }

  private static void readNames(ByteBuffer buf, int fontOffset, Set<String> names) {
    int numTables = buf.getShort(fontOffset + 4) & 0xFFFF;
    for (int t = 0; t < numTables; t++) {
      int rec = fontOffset + 12 + 16 * t;
      if (buf.getInt(rec) != 0x6E616D65) continue; // 'name'
      int table = buf.getInt(rec + 8);
      int count = buf.getShort(table + 2) & 0xFFFF;
      int strings = table + (buf.getShort(table + 4) & 0xFFFF);
      for (int i = 0; i < count; i++) {
        int r = table + 6 + 12 * i;
        int platform = buf.getShort(r) & 0xFFFF;
        int nameId = buf.getShort(r + 6) & 0xFFFF;
        int length = buf.getShort(r + 8) & 0xFFFF;
        int offset = buf.getShort(r + 10) & 0xFFFF;
        if (nameId != 1 && nameId != 4 && nameId != 6 && nameId != 16) continue;
        byte[] raw = new byte[length];
        buf.get(strings + offset, raw);
        // Windows and Unicode platform names are UTF-16BE; Macintosh ones single-byte (Roman ~ Latin-1)
        String s = platform == 1 ? new String(raw, StandardCharsets.ISO_8859_1)
            : new String(raw, StandardCharsets.UTF_16BE);
        names.add(s.strip().toLowerCase(Locale.ROOT));
      }
      return;
    }
  }
}
