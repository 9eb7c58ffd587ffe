package dev.clipper.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.media.FFprobe;
import dev.clipper.media.MediaInfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleVideoTest {
  @TempDir Path dir;

  @Test
  void talkingVideoHasTheSentencesInOrderWithGapsBetweenThem() {
    List<String> sentences = List.of("Here is the first sentence of the test.", "And this is the second one.");
    SampleVideo.Built built = SampleVideo.talkingVideo(Assets.photo("jesper.jpg"), sentences,
        new SampleVideo.Look(640, 360, 15, 100, 4), dir.resolve("talk.mp4"));

    MediaInfo info = FFprobe.probe(built.file());
    assertTrue(info.hasVideo() && info.hasAudio());
    assertEquals(640, info.width());
    assertEquals(360, info.height());
    assertEquals(2, built.sentences().size());
    SampleVideo.Sentence first = built.sentences().get(0);
    SampleVideo.Sentence second = built.sentences().get(1);
    assertEquals(0.0, first.start());
    assertTrue(first.end() > 1.5 && first.end() < 5, "first sentence lasts " + first.end());
    assertEquals(0.6, second.start() - first.end(), 0.05, "gap between sentences");
    assertEquals(second.end() + 0.6, info.durationSeconds(), 0.2);
  }

  @Test
  void talkOfFourMinutesHasEnoughSentences() {
    List<String> s = SampleVideo.talk(4);
    int words = s.stream().mapToInt(x -> x.split("\\s+").length).sum();
    assertTrue(words > 500 && words < 800, "words: " + words);
  }
}
