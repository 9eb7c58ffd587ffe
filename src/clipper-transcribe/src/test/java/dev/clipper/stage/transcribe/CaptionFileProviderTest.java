package dev.clipper.stage.transcribe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.transcript.Transcript;
import dev.clipper.transcript.Word;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionFileProviderTest {
  @TempDir Path dir;

  private static List<String> texts(List<Word> words) {
    return words.stream().map(Word::word).toList();
  }

  @Test
  void srtCuesWithTagsEntitiesAndTwoLinesBecomeTimedWordsWithPunctuation() {
    String srt = """
        1
        00:00:01,000 --> 00:00:04,000
        Here is the secret nobody tells you
        about building a <i>small</i> business.

        2
        00:00:04,600 --> 00:00:07,250
        <font color="#ffff00">Most people think</font> the hard part
        is the idea &amp; the plan...

        3
        00:00:08,000 --> 00:00:09,000
        [Music]

        4
        00:01:02,500 --> 00:01:04,000
        - Really? Yes!
        """;
    List<Word> words = CaptionFileProvider.parse(srt);

    assertEquals(List.of("Here", "is", "the", "secret", "nobody", "tells", "you", "about", "building", "a", "small",
        "business.", "Most", "people", "think", "the", "hard", "part", "is", "the", "idea", "&", "the", "plan...",
        "Really?", "Yes!"), texts(words));
    assertEquals(1.0, words.get(0).start(), 1e-9);
    assertEquals(4.0, words.get(11).end(), 1e-9, "the cue's last word ends with the cue");
    assertEquals(4.6, words.get(12).start(), 1e-9);
    assertEquals(62.5, words.get(24).start(), 1e-9, "hours:minutes:seconds,millis");
    // times are shared by length: "building" (8 letters) lasts longer than "a"
    Word building = words.get(8);
    Word a = words.get(9);
    assertTrue(building.end() - building.start() > 3 * (a.end() - a.start()));
    for (int i = 1; i < words.size(); i++) {
      assertTrue(words.get(i).start() >= words.get(i - 1).end() - 1e-9, "words in order, no overlap");
      assertEquals(1.0, words.get(i).confidence());
    }
  }

  @Test
  void webVttWithHeaderNotesStylesIdsVoicesAndSettings() {
    String vtt = """
        \uFEFFWEBVTT
        Kind: captions
        Language: en

        STYLE
        ::cue { color: yellow }

        NOTE This note spans
        two lines and is not spoken

        intro
        00:02.000 --> 00:05.500 align:start position:10%
        <v Roger Bingham>Why do some teams thrive</v>
        <v Roger Bingham>while others <b>fall apart</b>?</v>

        00:00:06.000 --> 00:00:08.000
        Researchers studied &lt;hundreds&gt; of teams.
        """;
    List<Word> words = CaptionFileProvider.parse(vtt);

    assertEquals(List.of("Why", "do", "some", "teams", "thrive", "while", "others", "fall", "apart?", "Researchers",
        "studied", "<hundreds>", "of", "teams."), texts(words));
    assertEquals(2.0, words.get(0).start(), 1e-9, "minutes:seconds.millis without hours");
    assertEquals(5.5, words.get(8).end(), 1e-9);
    assertEquals(6.0, words.get(9).start(), 1e-9);
  }

  @Test
  void youtubeRollingAutoCaptionsUseWordTimestampsAndDropRepeatedLines() {
    // the shape yt-dlp downloads for auto-captions: each cue repeats the previous line above the new one
    String vtt = """
        WEBVTT
        Kind: captions
        Language: en

        00:00:00.240 --> 00:00:02.790 align:start position:0%
        \s
        the<00:00:00.480><c> average</c><00:00:00.960><c> person</c><00:00:01.440><c> checks</c><00:00:01.920><c> their</c><00:00:02.160><c> phone</c>

        00:00:02.790 --> 00:00:02.800 align:start position:0%
        the average person checks their phone
        \s

        00:00:02.800 --> 00:00:05.600 align:start position:0%
        the average person checks their phone
        about<00:00:03.200><c> ninety</c><00:00:03.700><c> times</c><00:00:04.100><c> a</c><00:00:04.250><c> day</c>

        00:00:05.600 --> 00:00:05.610 align:start position:0%
        about ninety times a day
        \s
        """;
    List<Word> words = CaptionFileProvider.parse(vtt);

    assertEquals(List.of("the", "average", "person", "checks", "their", "phone", "about", "ninety", "times", "a",
        "day"), texts(words));
    assertEquals(0.24, words.get(0).start(), 1e-9);
    assertEquals(0.48, words.get(1).start(), 1e-9);
    assertEquals(2.16, words.get(5).start(), 1e-9);
    assertEquals(2.80, words.get(6).start(), 1e-9);
    assertEquals(3.20, words.get(7).start(), 1e-9);
    assertEquals(4.25, words.get(10).start(), 1e-9);
    // the last word of a line must not stretch over the pause that follows it
    assertTrue(words.get(10).end() < 5.0, "'day' ends at " + words.get(10).end());
    assertTrue(words.get(5).end() < 2.8, "'phone' ends at " + words.get(5).end());
  }

  @Test
  void providerReadsTheSideCarFileAndSaysWhereTheTranscriptCameFrom() throws Exception {
    Path srt = dir.resolve("INPUT.srt");
    Files.writeString(srt, "1\r\n00:00:00,500 --> 00:00:02,000\r\nThank you so much for listening.\r\n\r\n");
    Optional<Transcript> t = new CaptionFileProvider()
        .transcribe(TranscribeRequest.of(dir.resolve("INPUT.mp4")).withCaptions(srt), p -> {});

    assertTrue(t.isPresent());
    assertEquals("captions", t.get().provider());
    assertEquals("Thank you so much for listening.", t.get().text());
  }

  @Test
  void noCaptionFileMeansTheProviderDoesNotApply() {
    assertTrue(new CaptionFileProvider().transcribe(TranscribeRequest.of(dir.resolve("x.mp4")), p -> {}).isEmpty());
    assertTrue(new CaptionFileProvider()
        .transcribe(TranscribeRequest.of(dir.resolve("x.mp4")).withCaptions(dir.resolve("missing.vtt")), p -> {})
        .isEmpty());
  }
}
