using Clipper.Core.Storage;

namespace Clipper.Core.Tests;

/// <summary>The blob keys, byte for byte as stores written by earlier builds hold them.</summary>
[Trait("Category", "unit")]
public sealed class BlobLayoutTests
{
    private const string Sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    [Fact]
    public void AnUploadLivesUnderItsJobAndTheJobInputNamesIt()
    {
        var key = BlobLayout.Upload("job-20260101-1200-ab12", "talk.mp4");
        Assert.Equal("uploads/job-20260101-1200-ab12/talk.mp4", key);
        Assert.True(BlobLayout.IsUpload(key));
        Assert.Equal("blob:uploads/job-20260101-1200-ab12/talk.mp4", BlobLayout.Input(key));
        Assert.True(BlobLayout.TryGetUpload(BlobLayout.Input(key), out var back));
        Assert.Equal(key, back);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("/home/me/talk.mp4")]
    [InlineData("https://example.com/uploads/x.mp4")]
    [InlineData("uploads/job/talk.mp4")]
    [InlineData("blob:sources/abc.mp4")]
    [InlineData("blob:jobs/job/clip-01.mp4")]
    public void OnlyABlobInputUnderUploadsIsAnUpload(string? input)
    {
        Assert.False(BlobLayout.TryGetUpload(input, out var key));
        Assert.Equal("", key);
    }

    [Fact]
    public void SourcesAndTheirCaptionsLiveByContent()
    {
        Assert.Equal($"sources/{Sha}.mp4", BlobLayout.Source(Sha, "mp4"));
        Assert.Equal($"sources/{Sha}.mkv", BlobLayout.Source(Sha, ".mkv"));
        Assert.Equal($"sources/{Sha}.srt", BlobLayout.Captions(Sha, ".srt"));
        Assert.Equal($"sources/{Sha}.vtt", BlobLayout.Captions(Sha, "vtt"));
    }

    [Fact]
    public void TranscriptsAreCachedBySourceAndKeptApartWhenMadeFromCaptions()
    {
        Assert.Equal($"transcripts/{Sha}.json", BlobLayout.Transcript(Sha, fromCaptions: false));
        Assert.Equal($"transcripts/{Sha}-captions.json", BlobLayout.Transcript(Sha, fromCaptions: true));
        // the default engine keeps the keys stored before engines could be chosen; another engine's transcript is kept apart
        Assert.Equal($"transcripts/{Sha}.json", BlobLayout.Transcript(Sha, fromCaptions: false, engine: "pocketsphinx"));
        Assert.Equal($"transcripts/{Sha}-openai.json", BlobLayout.Transcript(Sha, fromCaptions: false, engine: "openai"));
        Assert.Equal($"transcripts/{Sha}-captions.json", BlobLayout.Transcript(Sha, fromCaptions: true, engine: "openai"));
        Assert.Equal("transcripts/sites/youtube/abc-openai.json", BlobLayout.SiteTranscript("youtube", "abc", fromCaptions: false, engine: "openai"));
    }

    [Fact]
    public void TranscriptsOfASitesVideoAreCachedByTheSitesIdAndAnOddIdByItsHash()
    {
        Assert.Equal("transcripts/sites/youtube/dQw4w9WgXcQ.json", BlobLayout.SiteTranscript("Youtube", "dQw4w9WgXcQ", fromCaptions: false));
        Assert.Equal("transcripts/sites/vimeo/12345-captions.json", BlobLayout.SiteTranscript("Vimeo", "12345", fromCaptions: true));
        var odd = BlobLayout.SiteTranscript("generic", "../../etc/passwd", fromCaptions: false);
        Assert.Matches("^transcripts/sites/generic/[0-9a-f]{64}\\.json$", odd);
        Assert.Equal(odd, BlobKeys.Check(odd));
    }

    [Fact]
    public void AClipsCropPathAndFilesLiveUnderItsJob()
    {
        Assert.Equal("clip-03", BlobLayout.ClipStem(3));
        Assert.Equal("clip-12", BlobLayout.ClipStem(12));
        Assert.Equal("jobs/job-1/crop/clip-03.json", BlobLayout.Crop("job-1", 3));
        var clip = BlobLayout.Clip("job-1", 3);
        Assert.Equal(
            ["jobs/job-1/clip-03.mp4", "jobs/job-1/clip-03.srt", "jobs/job-1/clip-03.vtt", "jobs/job-1/clip-03.jpg"],
            [clip.Video, clip.Srt, clip.Vtt, clip.Thumbnail]);
        Assert.True(BlobLayout.IsJobOutput(clip.Video));
        Assert.False(BlobLayout.IsJobOutput(BlobLayout.Source(Sha, "mp4")));
    }

    [Fact]
    public void EveryKeyIsAPlainRelativePath()
    {
        string[] keys =
        [
            BlobLayout.Upload("job-1", "talk.mp4"), BlobLayout.Source(Sha, "mp4"), BlobLayout.Captions(Sha, ".srt"),
            BlobLayout.Transcript(Sha, true), BlobLayout.Crop("job-1", 1), BlobLayout.Clip("job-1", 1).Video,
        ];
        Assert.All(keys, k => Assert.Equal(k, BlobKeys.Check(k)));
    }
}
