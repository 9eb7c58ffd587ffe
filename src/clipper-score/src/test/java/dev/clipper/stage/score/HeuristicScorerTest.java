package dev.clipper.stage.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.clip.Scores;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeuristicScorerTest {
  private final HeuristicScorer scorer = new HeuristicScorer(ScoreSettings.DEFAULTS);

  private static final String BODY = "Researchers studied hundreds of teams to find the answer. "
      + "The best teams were not the ones with the smartest people.";

  @Test
  void aQuestionOpenerHooksHarderThanADanglingAndSo() {
    Scores question = scorer.rate(HandWords.window("Why do some teams thrive while others fall apart?", BODY)).scores();
    Scores dangling = scorer.rate(HandWords.window("And so some teams thrive while others fall apart.", BODY)).scores();
    assertTrue(question.hook() >= dangling.hook() + 40, question + " vs " + dangling);
    assertTrue(question.completeness() > dangling.completeness(), question + " vs " + dangling);
  }

  @Test
  void aQuestionIsRecognisedWithoutPunctuationAsTheRecogniserPrintsIt() {
    HeuristicScorer.Rating r = scorer.rate(HandWords.spoken("why do some teams thrive while others fall apart",
        "researchers studied hundreds of teams to find the answer"));
    assertTrue(r.reason().contains("opens with a question"), r.reason());
    assertEquals("Why Do Some Teams Thrive While Others Fall Apart?", r.title());
  }

  @Test
  void aPromisedSecretToYouHooksHarderThanAPlainStatement() {
    int secret = scorer.rate(HandWords.window("Here is the secret nobody tells you about building a business.", BODY))
        .scores().hook();
    int plain = scorer.rate(HandWords.window("The committee met on a weekday in the building.", BODY)).scores().hook();
    assertTrue(secret >= plain + 40, secret + " vs " + plain);
  }

  @Test
  void endingMidSentenceCostsCompleteness() {
    Window whole = HandWords.window("Why do some teams thrive?", BODY);
    List<Sentence> s = whole.sentences();
    Sentence last = s.get(s.size() - 1);
    Sentence cut = new Sentence(last.words().subList(0, last.words().size() - 3), false);
    Window truncated = Window.of(List.of(s.get(0), s.get(1), cut));
    assertTrue(scorer.rate(whole).scores().completeness() >= scorer.rate(truncated).scores().completeness() + 30);
    assertTrue(scorer.rate(truncated).reason().contains("cut mid-sentence")
        || scorer.rate(truncated).scores().completeness() < 60);
  }

  @Test
  void briskContentRichSpeechIsDenserThanSlowFillerSpeech() {
    Window brisk = Window.of(Sentences.split(HandWords.speak(0, 3, 0.4,
        "Researchers studied hundreds of teams across four continents.",
        "Psychological safety predicted performance better than talent."), ScoreSettings.DEFAULTS, 25).sentences());
    Window slow = Window.of(Sentences.split(HandWords.speak(0, 1.3, 0.4,
        "So it was like that and it was there.", "And then it was just a thing that we had."),
        ScoreSettings.DEFAULTS, 25).sentences());
    Scores b = scorer.rate(brisk).scores();
    Scores s = scorer.rate(slow).scores();
    assertTrue(b.density() >= s.density() + 40, b + " vs " + s);
    assertTrue(scorer.rate(brisk).reason().contains("words/s"), scorer.rate(brisk).reason());
  }

  @Test
  void emotionalWordsIntensifiersAndExclamationsRaiseEmotion() {
    Scores hot = scorer.rate(HandWords.window("The first two days were honestly painful and I felt anxious.",
        "I failed at two companies and I was terrified!", "It was the worst year of my life!")).scores();
    Scores cold = scorer.rate(HandWords.window("The meeting starts at nine in the second room.",
        "Bring the report and the quarterly figures.", "We will review the schedule.")).scores();
    assertTrue(hot.emotion() >= cold.emotion() + 40, hot + " vs " + cold);
  }

  @Test
  void compositeFollowsTheWeights() {
    ScoreSettings hookOnly = new ScoreSettings(1, 0, 0, 0, 40, 1, 5, 0.3, 0.35, 1.2, 25, 0.2, 0.4, 20, 60);
    HeuristicScorer.Rating r = new HeuristicScorer(hookOnly).rate(HandWords.window("Why do some teams thrive?", BODY));
    assertEquals(r.scores().hook(), r.score());
    HeuristicScorer.Rating d = scorer.rate(HandWords.window("Why do some teams thrive?", BODY));
    Scores s = d.scores();
    double expected = (0.35 * s.hook() + 0.25 * s.completeness() + 0.2 * s.density() + 0.2 * s.emotion());
    assertEquals(Math.round(expected), d.score());
  }

  @Test
  void reasonNamesWhatDroveTheScore() {
    HeuristicScorer.Rating r = scorer.rate(HandWords.window("Do you want to read more books?",
        "Start with one page a night.", "It sounds ridiculous, but it works better than any motivation speech."));
    assertTrue(r.reason().startsWith("strong hook: opens with a question"), r.reason());
    assertTrue(!r.reason().contains("\n") && r.reason().length() < 200, r.reason());
  }

  @Test
  void titlesAreShortTitleCasedAndLoseTheirDanglingStart() {
    assertEquals("Here's the Secret Nobody Tells You About Building a Business",
        scorer.rate(HandWords.window("And so here's the secret nobody tells you about building a business.", BODY))
            .title());
    String longTitle = scorer.rate(HandWords.window("I am saying you should decide when you use it, instead of "
        + "letting it decide for you every single time you pick it up.", BODY)).title();
    assertEquals("I Am Saying You Should Decide When You Use It", longTitle);
    String noClause = scorer.rate(HandWords.window("The people who win are not the ones who never fall down or "
        + "make any mistakes in their long careers at all.", BODY)).title();
    assertTrue(noClause.length() <= 60 && noClause.endsWith("…"), noClause);
  }
}
