package dev.clipper.worker;

import com.typesafe.config.Config;
import dev.clipper.stage.encode.CaptionSettings;
import dev.clipper.stage.encode.EncodeSettings;
import dev.clipper.stage.fetch.FetchSettings;
import dev.clipper.stage.score.ScoreSettings;
import dev.clipper.stage.track.TrackSettings;
import dev.clipper.stage.transcribe.TranscribeSettings;
import java.nio.file.Path;
import java.util.Set;

/** Maps the {@code clipper.<stage>} configuration blocks onto the stages' settings records. */
final class StageSettings {
  private StageSettings() {}

  static FetchSettings fetch(Config c) {
    return new FetchSettings(c.getBytes("max-source-bytes"), c.getDuration("max-duration").toSeconds(),
        c.getDuration("connect-timeout"), c.getDuration("read-timeout"), c.getInt("max-redirects"),
        c.getBoolean("allow-private-addresses"), Set.copyOf(c.getStringList("allowed-hosts")),
        Set.copyOf(c.getStringList("blocked-hosts")), c.getDouble("silence-threshold-db"),
        c.getBytes("max-caption-bytes"), c.getDuration("check-timeout"));
  }

  static TranscribeSettings transcribe(Config c) {
    Path model = Path.of(c.getString("model-dir"));
    return new TranscribeSettings(Path.of(c.getString("pocketsphinx")), model.resolve("en-us"),
        model.resolve("en-us.lm.bin"), model.resolve("cmudict-en-us.dict"), c.getDouble("chunk-seconds"),
        c.getInt("parallelism"), c.getDouble("recogniser-timeout-per-second"), c.getDuration("extract-timeout"),
        c.getInt("min-words"), c.getDouble("min-speech-fraction"));
  }

  static ScoreSettings score(Config c) {
    Config w = c.getConfig("weights");
    return new ScoreSettings(w.getDouble("hook"), w.getDouble("completeness"), w.getDouble("density"),
        w.getDouble("emotion"), c.getInt("min-score"), c.getDouble("min-words-per-second"),
        c.getDouble("max-words-per-second"), c.getDouble("min-mean-confidence"), c.getDouble("min-pause"),
        c.getDouble("max-pause"), c.getDouble("max-sentence"), c.getDouble("lead-in"), c.getDouble("tail"),
        c.getDouble("ideal-min"), c.getDouble("ideal-max"));
  }

  static TrackSettings track(Config c) {
    return new TrackSettings(c.getDouble("sample-fps"), c.getInt("analysis-width"), c.getInt("detector-threads"),
        c.getDouble("min-face-score"), c.getDouble("min-face-fraction"), c.getDouble("max-gap"),
        c.getDouble("min-subject"), c.getDouble("scene-cut-threshold"), c.getDouble("dead-zone"),
        c.getDouble("max-speed"), c.getDouble("smoothing"), c.getDouble("steady-max-spread"),
        c.getDouble("face-vertical-position"), c.getDouble("keyframe-rate"), c.getDouble("decode-timeout-factor"),
        c.getDuration("min-decode-timeout"));
  }

  static EncodeSettings encode(Config c) {
    CaptionSettings captions = CaptionSettings.DEFAULTS.withFont(c.getString("font-name"),
        Path.of(c.getString("fonts-dir")));
    return new EncodeSettings(c.getString("preset"), c.getInt("crf"), c.getInt("x264-threads"),
        c.getInt("audio-bitrate-kbps"), c.getBoolean("burn-captions"), captions, c.getInt("thumbnail-width"),
        c.getDouble("thumbnail-at"), c.getInt("jpeg-quality"), c.getDouble("duration-tolerance"),
        c.getDuration("timeout"));
  }
}
