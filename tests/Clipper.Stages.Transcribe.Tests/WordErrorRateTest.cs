namespace Clipper.Stages.Transcribe.Tests;

[Trait("Category", "unit")]
public sealed class WordErrorRateTest
{
    [Fact]
    public void CaseAndPunctuationDoNotCount()
    {
        var w = WordErrorRate.Measure("Here's the secret: nobody tells you!", "here's the secret nobody tells you");
        Assert.Equal(0, w.Errors);
        Assert.Equal(6, w.ReferenceWords);
        Assert.Equal(0, WordErrorRate.Compute("Here's the secret: nobody tells you!", "here's the secret nobody tells you"));
    }

    [Fact]
    public void CountsSubstitutionsDeletionsAndInsertions()
    {
        // ref: the cat sat on the mat / hyp: the bat sat the mat today
        var w = WordErrorRate.Measure("the cat sat on the mat", "the bat sat the mat today");
        Assert.Equal(1, w.Substitutions);
        Assert.Equal(1, w.Deletions);
        Assert.Equal(1, w.Insertions);
        Assert.Equal(0.5, w.Rate, 9);
        Assert.Equal(0.5, WordErrorRate.Compute("the cat sat on the mat", "the bat sat the mat today"), 9);
        Assert.Equal("WER 50.0% (1 sub, 1 del, 1 ins / 6 words)", w.ToString());
    }

    [Fact]
    public void HyphensSplitAndApostrophesStay()
    {
        Assert.Equal(["cold", "hearted", "don't"], WordErrorRate.Normalise("Cold-hearted, \"don't\""));
        Assert.Equal(["cafe", "naive", "it's"], WordErrorRate.Normalise("Café naïve/ It’s"));
    }

    [Fact]
    public void AnEmptyReferenceIsPerfectOnlyAgainstAnEmptyHypothesis()
    {
        Assert.Equal(0, WordErrorRate.Compute("", "..."));
        Assert.Equal(1, WordErrorRate.Compute("", "hello"));
        Assert.Equal(1, WordErrorRate.Compute("hello there", ""));
    }
}
