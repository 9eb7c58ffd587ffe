namespace Clipper.Stages.Score.Tests;

[Trait("Category", "unit")]
public sealed class HeuristicScorerTest
{
    private const string Body = "Researchers studied hundreds of teams to find the answer. "
        + "The best teams were not the ones with the smartest people.";

    private static readonly string[] BodySentences =
        ["Researchers studied hundreds of teams to find the answer.", "The best teams were not the ones with the smartest people."];

    private readonly HeuristicScorer scorer = new(new ScoreOptions());

    private static Window WithBody(string opening) => HandWords.Window([opening, .. BodySentences]);

    [Fact]
    public void AQuestionOpenerHooksHarderThanADanglingAndSo()
    {
        var question = scorer.Rate(WithBody("Why do some teams thrive while others fall apart?")).Scores;
        var dangling = scorer.Rate(WithBody("And so some teams thrive while others fall apart.")).Scores;
        Assert.True(question.Hook >= dangling.Hook + 40, $"{question} vs {dangling}");
        Assert.True(question.Completeness > dangling.Completeness, $"{question} vs {dangling}");
    }

    [Fact]
    public void AQuestionIsRecognisedWithoutPunctuationAsTheRecogniserPrintsIt()
    {
        var r = scorer.Rate(HandWords.Spoken("why do some teams thrive while others fall apart",
            "researchers studied hundreds of teams to find the answer"));
        Assert.Contains("opens with a question", r.Reason);
        Assert.Equal("Why Do Some Teams Thrive While Others Fall Apart?", r.Title);
    }

    [Fact]
    public void APromisedSecretToYouHooksHarderThanAPlainStatement()
    {
        int secret = scorer.Rate(WithBody("Here is the secret nobody tells you about building a business.")).Scores.Hook;
        int plain = scorer.Rate(WithBody("The committee met on a weekday in the building.")).Scores.Hook;
        Assert.True(secret >= plain + 40, $"{secret} vs {plain}");
    }

    [Fact]
    public void EndingMidSentenceCostsCompleteness()
    {
        var whole = WithBody("Why do some teams thrive?");
        var s = whole.Sentences;
        var cut = new Sentence(s[^1].Words.Take(s[^1].Words.Count - 3).ToList(), false);
        var truncated = Window.Of([s[0], s[1], cut]);
        var r = scorer.Rate(truncated);
        Assert.True(scorer.Rate(whole).Scores.Completeness >= r.Scores.Completeness + 30);
        Assert.Contains("incomplete: cut mid-sentence", r.Reason);
    }

    [Fact]
    public void BriskContentRichSpeechIsDenserThanSlowFillerSpeech()
    {
        var brisk = Window.Of(Sentences.Split(HandWords.Speak(0, 3, 0.4,
            "Researchers studied hundreds of teams across four continents.",
            "Psychological safety predicted performance better than talent."), HandWords.Defaults, 25).Sentences);
        var slow = Window.Of(Sentences.Split(HandWords.Speak(0, 1.3, 0.4,
            "So it was like that and it was there.", "And then it was just a thing that we had."),
            HandWords.Defaults, 25).Sentences);
        var b = scorer.Rate(brisk).Scores;
        var s = scorer.Rate(slow).Scores;
        Assert.True(b.Density >= s.Density + 40, $"{b} vs {s}");
        Assert.Contains("words/s", scorer.Rate(brisk).Reason);
    }

    [Fact]
    public void EmotionalWordsIntensifiersAndExclamationsRaiseEmotion()
    {
        var hot = scorer.Rate(HandWords.Window("The first two days were honestly painful and I felt anxious.",
            "I failed at two companies and I was terrified!", "It was the worst year of my life!")).Scores;
        var cold = scorer.Rate(HandWords.Window("The meeting starts at nine in the second room.",
            "Bring the report and the quarterly figures.", "We will review the schedule.")).Scores;
        Assert.True(hot.Emotion >= cold.Emotion + 40, $"{hot} vs {cold}");
    }

    [Fact]
    public void CompositeFollowsTheWeights()
    {
        var hookOnly = new ScoreOptions { HookWeight = 1, CompletenessWeight = 0, DensityWeight = 0, EmotionWeight = 0 };
        var r = new HeuristicScorer(hookOnly).Rate(WithBody("Why do some teams thrive?"));
        Assert.Equal(r.Scores.Hook, r.Score);
        var d = scorer.Rate(WithBody("Why do some teams thrive?"));
        var s = d.Scores;
        double expected = (0.35 * s.Hook) + (0.25 * s.Completeness) + (0.2 * s.Density) + (0.2 * s.Emotion);
        Assert.Equal((int)Math.Floor(expected + 0.5), d.Score);
    }

    [Fact]
    public void ReasonNamesWhatDroveTheScore()
    {
        var r = scorer.Rate(HandWords.Window("Do you want to read more books?", "Start with one page a night.",
            "It sounds ridiculous, but it works better than any motivation speech."));
        Assert.StartsWith("strong hook: opens with a question", r.Reason);
        Assert.DoesNotContain("\n", r.Reason);
        Assert.True(r.Reason.Length < 200, r.Reason);
    }

    [Fact]
    public void TitlesAreShortTitleCasedAndLoseTheirDanglingStart()
    {
        Assert.Equal("Here's the Secret Nobody Tells You About Building a Business",
            scorer.Rate(WithBody("And so here's the secret nobody tells you about building a business.")).Title);
        var longTitle = scorer.Rate(WithBody("I am saying you should decide when you use it, instead of "
            + "letting it decide for you every single time you pick it up.")).Title;
        Assert.Equal("I Am Saying You Should Decide When You Use It", longTitle);
        var noClause = scorer.Rate(WithBody("The people who win are not the ones who never fall down or "
            + "make any mistakes in their long careers at all.")).Title;
        Assert.True(noClause.Length <= 60 && noClause.EndsWith('…'), noClause);
        var question = scorer.Rate(WithBody("What is the one thing I want them to remember tomorrow morning, "
            + "when the talk is long over and forgotten?")).Title;
        Assert.True(question.Length <= 61 && question.EndsWith('?') && !question.Contains('…'), question);
    }

    [Fact]
    public void BadWeightsAreABadOption()
    {
        var e = Assert.Throws<Clipper.Core.Errors.ClipperException>(() =>
            new ScoreOptions { HookWeight = 0, CompletenessWeight = 0, DensityWeight = 0, EmotionWeight = 0 }.Validate());
        Assert.Equal(Clipper.Core.Errors.ErrorCode.BadOption, e.Code);
    }
}
