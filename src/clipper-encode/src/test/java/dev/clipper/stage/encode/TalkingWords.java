package dev.clipper.stage.encode;

import dev.clipper.sample.SampleVideo;
import dev.clipper.transcript.Word;
import java.util.ArrayList;
import java.util.List;

/**
 * Word timings for a sample video: each sentence's known span shared among its words in proportion to
 * their length. Not what a recogniser would say to the millisecond, but the encoder only has to follow the
 * times it is given.
 */
final class TalkingWords {
  private TalkingWords() {}

  static List<Word> of(SampleVideo.Built built) {
    List<Word> out = new ArrayList<>();
    for (SampleVideo.Sentence s : built.sentences()) {
      String[] ws = s.text().split("\\s+");
      int letters = 0;
      for (String w : ws) letters += w.length() + 1;
      double t = s.start();
      double perLetter = (s.end() - s.start()) / letters;
      for (String w : ws) {
        double d = (w.length() + 1) * perLetter;
        out.add(new Word(w, t, t + d * 0.9, 0.9));
        t += d;
      }
    }
    return out;
  }
}
