package dev.clipper.it;

import dev.clipper.sample.Assets;
import dev.clipper.sample.SampleVideo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real talking videos for the cross-module tests, built once per test JVM. */
final class Media {
  private static SampleVideo.Built shortTalk;
  private static SampleVideo.Built fourMinutes;
  private static Path dir;

  private Media() {}

  private static Path dir() {
    try {
      if (dir == null) dir = Files.createTempDirectory("clipper-it-media");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** About 80 seconds, 640×360, a real face panning, the sample talk spoken. */
  static synchronized SampleVideo.Built shortTalk() {
    if (shortTalk == null) {
      shortTalk = SampleVideo.talkingVideo(Assets.photo("jesper.jpg"), SampleVideo.talk(1.3),
          new SampleVideo.Look(640, 360, 25, 140, 8), dir().resolve("short-talk.mp4"));
    }
    return shortTalk;
  }

  /** About four minutes, 1280×720, one moving face: the acceptance video. */
  static synchronized SampleVideo.Built fourMinuteTalk() {
    if (fourMinutes == null) {
      fourMinutes = SampleVideo.talkingVideo(Assets.photo("jesper.jpg"), SampleVideo.talk(4), SampleVideo.Look.HD,
          dir().resolve("talk-4min.mp4"));
    }
    return fourMinutes;
  }
}
