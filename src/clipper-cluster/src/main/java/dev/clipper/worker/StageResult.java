package dev.clipper.worker;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.clipper.clip.ScoredClip;
import dev.clipper.cluster.CborSerializable;
import java.util.List;

/** What a stage produced: small facts and the blob keys of the artifacts it stored. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = StageResult.Fetched.class, name = "fetched"),
  @JsonSubTypes.Type(value = StageResult.Transcribed.class, name = "transcribed"),
  @JsonSubTypes.Type(value = StageResult.Scored.class, name = "scored"),
  @JsonSubTypes.Type(value = StageResult.Tracked.class, name = "tracked"),
  @JsonSubTypes.Type(value = StageResult.Encoded.class, name = "encoded")
})
public sealed interface StageResult extends CborSerializable {

  /** The source, stored under its content hash, and what ffprobe said of it. */
  record Fetched(String sourceKey, String sha256, String displayName, double duration, int width, int height,
      double fps, long sizeBytes, String captionsKey) implements StageResult {}

  record Transcribed(String transcriptKey, int words, String provider) implements StageResult {}

  record Scored(List<ScoredClip> clips) implements StageResult {
    public Scored {
      clips = List.copyOf(clips);
    }
  }

  /** {@code method} is "face" or "centre"; {@code reason} says why a centre crop was used. */
  record Tracked(int clipIndex, String cropKey, String method, String reason) implements StageResult {}

  record Encoded(int clipIndex, String videoKey, String srtKey, String vttKey, String thumbnailKey,
      double duration) implements StageResult {}
}
