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
    Path video = HostConfig.home(config).resolve("demo").resolve("talk-4min.mp4");
    if (!Files.exists(video)) {
      Files.createDirectories(video.getParent());
      err.println("clipper: building the demo video (a real photo panning, 4 minutes of synthetic speech)…");
      Path tmp = video.resolveSibling("building-" + video.getFileName());
      SampleVideo.talkingVideo(Assets.photo("jesper.jpg"), SampleVideo.talk(4), SampleVideo.Look.FULL_HD, tmp);
      Files.move(tmp, video);
    }
    List<String> clipArgs = new java.util.ArrayList<>(List.of(video.toString()));
    clipArgs.addAll(args);
    return new ClipCommand(out, err, logFile).run(config, ClipCommand.parse(clipArgs)).exitCode();
  }
}
