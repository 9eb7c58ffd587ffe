package dev.clipper.worker;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.clipper.clip.ClipOptions;
import dev.clipper.clip.ScoredClip;
import dev.clipper.cluster.CborSerializable;

/**
 * One unit of stage work. Everything a worker needs travels in it or sits in blob storage under the keys it
 * names, so any node can run it. {@link #workKey()} identifies it within its job (retries keep the key).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = StageWork.Fetch.class, name = "fetch"),
  @JsonSubTypes.Type(value = StageWork.Transcribe.class, name = "transcribe"),
  @JsonSubTypes.Type(value = StageWork.Score.class, name = "score"),
  @JsonSubTypes.Type(value = StageWork.Track.class, name = "track"),
  @JsonSubTypes.Type(value = StageWork.Encode.class, name = "encode")
})
public sealed interface StageWork extends CborSerializable {
  String jobId();

  Stage stage();

  String workKey();

  record Fetch(String jobId, String input, ClipOptions options) implements StageWork {
    @JsonIgnore
    public Stage stage() {
      return Stage.FETCH;
    }

    @JsonIgnore
    public String workKey() {
      return "fetch";
    }
  }

  record Transcribe(String jobId, String sourceKey, String sourceHash, String captionsKey) implements StageWork {
    @JsonIgnore
    public Stage stage() {
      return Stage.TRANSCRIBE;
    }

    @JsonIgnore
    public String workKey() {
      return "transcribe";
    }
  }

  record Score(String jobId, String transcriptKey, double sourceDuration, ClipOptions options)
      implements StageWork {
    @JsonIgnore
    public Stage stage() {
      return Stage.SCORE;
    }

    @JsonIgnore
    public String workKey() {
      return "score";
    }
  }

  record Track(String jobId, String sourceKey, ScoredClip clip, ClipOptions options) implements StageWork {
    @JsonIgnore
    public Stage stage() {
      return Stage.TRACK;
    }

    @JsonIgnore
    public String workKey() {
      return "track-" + clip.index();
    }
  }

  record Encode(String jobId, String sourceKey, String transcriptKey, String cropKey, ScoredClip clip,
      ClipOptions options) implements StageWork {
    @JsonIgnore
    public Stage stage() {
      return Stage.ENCODE;
    }

    @JsonIgnore
    public String workKey() {
      return "encode-" + clip.index();
    }
  }
}
