package dev.clipper.stage.score;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The word lists behind the heuristic scorer. Small and hand-picked for spoken English: each entry is there
 * because it marks a hook, a dangling start, emotion or filler in talks, not because a dictionary says so.
 */
final class Lexicon {
  private Lexicon() {}

  /** Lower case, curly apostrophes straightened, punctuation dropped ("You're," → "you're"). */
  static String norm(String word) {
    return word.toLowerCase(Locale.ROOT).replace('’', '\'').replaceAll("[^\\p{L}\\p{N}'%$]", "")
        .replaceAll("^'+|'+$", "");
  }

  /** Words that open a question even when no question mark is written (recognisers print none). */
  static final Set<String> QUESTION_OPENERS = Set.of("why", "how", "what", "who", "whose", "do", "does", "did", "is",
      "are", "can", "could", "should", "would", "will", "have", "has", "ever", "isn't", "aren't", "don't", "doesn't",
      "didn't", "can't", "won't", "what's", "how's", "who's", "shouldn't", "wouldn't", "couldn't");

  /** Phrases that promise a payoff, matched on the opening's words joined by single spaces. */
  static final List<String> CURIOSITY = List.of("here is", "here's", "secret", "nobody", "no one", "the truth",
      "the reason", "let me tell you", "what if", "imagine", "the one thing", "trick", "surprised", "surprising",
      "turns out", "the key", "mistake", "lesson", "how to", "the real", "i learned", "never told");

  /** Bold, contrarian or superlative claims. */
  static final List<String> BOLD = List.of("biggest", "most important", "best", "worst", "never", "always",
      "everyone", "everything", "nothing", "only", "wrong", "myth", "stop", "the most", "must", "changed my life",
      "changed everything", "guarantee", "number one", "ever");

  static final Set<String> NUMBER_WORDS = Set.of("one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
      "ten", "eleven", "twelve", "thirteen", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
      "eighty", "ninety", "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "percent",
      "half", "dozen", "double", "twice", "triple");

  static final Set<String> YOU = Set.of("you", "your", "you're", "yours", "yourself", "you'll", "you've", "you'd");

  /** Openers that continue a thought begun before the clip. */
  static final Set<String> CONNECTIVES = Set.of("and", "but", "so", "because", "or", "then", "also", "which", "plus",
      "though", "although", "anyway", "therefore", "however", "nor", "cause", "'cause", "hence", "thus");

  static final Set<String> FILLERS = Set.of("um", "uh", "erm", "er", "ah", "hmm", "mm", "well", "like", "okay", "ok",
      "yeah", "right", "oh", "anyways", "basically");

  /** Openers that point back at something said before the clip. */
  static final Set<String> BACK_REFERENCES = Set.of("it", "that", "this", "they", "he", "she", "those", "these",
      "them", "it's", "that's", "they're", "he's", "she's", "there");

  /** Words a sentence cannot end on. */
  static final Set<String> DANGLING_ENDS = Set.of("and", "but", "so", "because", "or", "the", "a", "an", "to", "of",
      "with", "that", "which", "my", "your", "our", "their", "is", "are", "for", "in", "on", "at", "if", "when");

  /** Phrases that wrap a thought up. */
  static final List<String> CONCLUSIONS = List.of("so if", "remember", "that's why", "that is why", "the lesson",
      "the point", "in the end", "the bottom line", "the answer", "thank you", "that's the", "that is the",
      "changed everything", "so take", "so before");

  static final Set<String> EMOTION = Set.of("love", "loved", "hate", "hated", "fear", "afraid", "scared", "terrified",
      "painful", "pain", "hurt", "anxious", "anxiety", "worry", "worried", "stress", "stressed", "happy", "happiness",
      "joy", "sad", "sadness", "angry", "anger", "furious", "amazing", "incredible", "awesome", "wonderful",
      "beautiful", "brilliant", "terrible", "awful", "horrible", "shocked", "shocking", "surprised", "surprising",
      "excited", "exciting", "proud", "ashamed", "embarrassed", "guilty", "lonely", "fail", "failed", "failure",
      "failures", "success", "win", "won", "lose", "lost", "dream", "dreams", "hope", "hopeless", "crazy", "ridiculous",
      "insane", "struggle", "struggled", "cry", "cried", "tears", "laugh", "laughed", "funny", "risk", "danger",
      "dangerous", "threat", "safe", "unsafe", "honest", "honesty", "courage", "brave", "desperate", "panic", "thrive",
      "fall", "fell", "mistake", "mistakes", "regret", "grateful", "thank", "thanks", "luck", "silly", "secret",
      "saved", "destroyed", "broke", "broken", "alone", "killed", "dead", "die", "died", "heart", "nervous", "frustrated",
      "disaster", "miracle", "powerful", "deeply", "passion", "obsessed");

  static final Set<String> INTENSIFIERS = Set.of("very", "really", "extremely", "absolutely", "totally", "completely",
      "incredibly", "literally", "honestly", "truly", "never", "always", "every", "single", "most", "biggest", "huge",
      "massive", "so", "such", "entire", "everything", "nothing", "ever", "much");

  /** Function words; what is left carries the content. */
  static final Set<String> STOPWORDS = Set.of("a", "an", "the", "and", "or", "but", "so", "if", "then", "than", "that",
      "this", "these", "those", "it", "its", "it's", "i", "i'm", "i've", "i'd", "i'll", "me", "my", "we", "us", "our",
      "you", "your", "he", "him", "his", "she", "her", "they", "them", "their", "there", "here", "is", "am", "are",
      "was", "were", "be", "been", "being", "have", "has", "had", "do", "does", "did", "will", "would", "can", "could",
      "should", "may", "might", "must", "shall", "to", "of", "in", "on", "at", "by", "for", "with", "about", "from",
      "into", "over", "under", "up", "down", "out", "off", "as", "not", "no", "just", "very", "really", "what",
      "which", "who", "whom", "when", "where", "why", "how", "all", "any", "some", "more", "most", "other", "such",
      "only", "own", "same", "too", "also", "now", "well", "like", "um", "uh", "oh", "yeah", "okay", "get", "got",
      "go", "going", "know", "think", "thing", "things", "let", "say", "said", "one", "because", "while", "before",
      "after", "again", "once", "each", "both", "few", "much", "many", "every", "don't", "that's", "there's", "you're",
      "they're", "we're", "what's", "let's");

  static boolean isNumber(String norm) {
    return NUMBER_WORDS.contains(norm) || norm.matches(".*\\d.*");
  }

  /** A word or a simple inflection of it is in the set ("failures" → "failure", "worked" → "work"). */
  static boolean inflectionOf(Set<String> set, String norm) {
    if (set.contains(norm)) return true;
    for (String suffix : List.of("s", "es", "ed", "d", "ing", "ly")) {
      if (norm.length() > suffix.length() + 2 && norm.endsWith(suffix)
          && set.contains(norm.substring(0, norm.length() - suffix.length()))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the space-joined phrase occurs in the space-padded text (" here is the secret "). */
  static String firstPhraseIn(String paddedText, List<String> phrases) {
    for (String p : phrases) {
      if (paddedText.contains(" " + p + " ")) return p;
    }
    return null;
  }
}
