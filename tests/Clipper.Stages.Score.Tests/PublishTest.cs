namespace Clipper.Stages.Score.Tests;

[Trait("Category", "unit")]
public sealed class PublishTest
{
    [Fact]
    public void The_description_is_the_clips_opening_sentences()
    {
        var w = HandWords.Window("Why do startups fail?", "Founders stop listening.", "That is all.");
        Assert.Equal("Why do startups fail? Founders stop listening.", Publish.Description(w));
    }

    [Fact]
    public void A_long_opening_is_cut_at_a_word_with_an_ellipsis()
    {
        var sentence = string.Join(' ', Enumerable.Repeat("remarkable", 40)) + ".";
        var d = Publish.Description(HandWords.Window(sentence));
        Assert.True(d.Length <= Publish.MaxDescription, d);
        Assert.EndsWith("remarkable…", d);
    }

    [Fact]
    public void The_hashtags_are_the_most_repeated_content_words()
    {
        var w = HandWords.Window(
            "Customers tell you what customers need.",
            "Listen to customers and build the product.",
            "A product nobody wants is a product that fails.",
            "Feedback beats guessing.");
        Assert.Equal(["#Customers", "#Product", "#Tell"], Publish.Hashtags(w));
    }
}
