package dev.clipper.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.clipper.clip.ClipOptions;
import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostConfigTest {
  @Test
  void embeddedProfileKeepsEverythingUnderTheHome() {
    Config c = HostConfig.load(Map.of("clipper.home", "/srv/clipper-test"));
    assertEquals("embedded", c.getString("clipper.profile"));
    assertTrue(c.getString("clipper.db.url").startsWith("jdbc:h2:file:/srv/clipper-test/db/clipper"));
    assertEquals("/srv/clipper-test/blobs", c.getString("clipper.blob-dir"));
    assertEquals(0, c.getInt("pekko.remote.artery.canonical.port"));
    assertEquals(c.getString("clipper.db.url"),
        c.getString("pekko-persistence-jdbc.shared-databases.clipper.db.url"));
  }

  @Test
  void clusterProfileUsesPostgresAndAFixedPort() {
    Config c = HostConfig.load(Map.of("clipper.profile", "cluster"));
    assertEquals("org.postgresql.Driver", c.getString("clipper.db.driver"));
    assertTrue(c.getString("clipper.db.url").startsWith("jdbc:postgresql://"));
    assertEquals("slick.jdbc.PostgresProfile$",
        c.getString("pekko-persistence-jdbc.shared-databases.clipper.profile"));
    assertEquals(25520, c.getInt("pekko.remote.artery.canonical.port"));
  }

  @Test
  void unknownProfileIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> HostConfig.load(Map.of("clipper.profile", "galaxy")));
  }

  @Test
  void clipArgumentsParseWithDefaults() {
    ClipCommand.Args a = ClipCommand.parse(List.of("talk.mp4"));
    assertEquals("talk.mp4", a.input());
    assertEquals(ClipOptions.DEFAULTS, a.options());
    ClipCommand.Args b = ClipCommand.parse(List.of("--clips", "8", "talk.mp4", "--min", "20", "--max", "60",
        "--out", "x"));
    assertEquals(new ClipOptions(8, 20, 60, 1080, 1920), b.options());
    assertEquals("x", b.out().toString());
  }

  @Test
  void badArgumentsAreBadOptions() {
    for (List<String> bad : List.<List<String>>of(List.of(), List.of("a.mp4", "b.mp4"), List.of("a.mp4", "--clips"),
        List.of("a.mp4", "--wat"), List.of("a.mp4", "--min", "x"), List.of("a.mp4", "--clips", "51"))) {
      ClipperException e = assertThrows(ClipperException.class, () -> ClipCommand.parse(bad), bad.toString());
      assertEquals(ErrorCode.BAD_OPTION, e.code(), bad.toString());
    }
  }

  @Test
  void clockFormatsHoursMinutesSeconds() {
    assertEquals("0:03:25", ClipCommand.clock(205.4));
    assertEquals("1:00:00", ClipCommand.clock(3599.6));
  }
}
