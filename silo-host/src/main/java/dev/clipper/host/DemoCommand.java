package dev.clipper.host;

import com.typesafe.config.Config;
import dev.clipper.sample.Assets;
import dev.clipper.sample.SampleVideo;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code clipper demo}: builds a ~4-minute talking video from real public media (a real face photo panning
 * under a 1080p frame, with the bundled talk spoken by ffmpeg's flite voice) and clips it. The video is built
 * once and kept under $CLIPPER_HOME/demo.
 */
final class DemoCommand {
  private final PrintStream out;
  private final PrintStream err;
  private final Path logFile;

  DemoCommand(PrintStream out, PrintStream err, Path logFile) {
    this.out = out;
    this.err = err;
    this.logFile = logFile;
  }

  int run(Config config, List<String> args) throws Exception {
    Path video = sampleTalk(HostConfig.home(config).resolve("demo").resolve("talk-4min.mp4"), 4, err);
    List<String> clipArgs = new java.util.ArrayList<>(List.of(video.toString()));
    clipArgs.addAll(args);
    return new ClipCommand(out, err, logFile).run(config, ClipCommand.parse(clipArgs)).exitCode();
  }

  /** The 1080p sample talk of about {@code minutes}, built once at {@code video} and reused after. */
  static Path sampleTalk(Path video, double minutes, PrintStream err) throws java.io.IOException {
    if (!Files.exists(video)) {
      Files.createDirectories(video.getParent());
      err.printf(java.util.Locale.ROOT, "clipper: building a %.0f-minute sample video (a real photo panning, "
          + "synthetic speech of the bundled talk)…%n", minutes);
      Path tmp = video.resolveSibling("building-" + video.getFileName());
      SampleVideo.talkingVideo(Assets.photo("jesper.jpg"), SampleVideo.talk(minutes), SampleVideo.Look.FULL_HD, tmp);
      Files.move(tmp, video, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return video;
  }
}
