using System.Diagnostics;
using Clipper.Core.Errors;
using Clipper.Core.Samples;
using Clipper.Core.Storage;
using Clipper.Samples;
using Clipper.TestSupport;

namespace Clipper.Stages.Fetch.Tests;

/// <summary>Local files: every way a file can be unusable gets its own code and a message a person understands.</summary>
[Trait("Category", "media")]
public sealed class FetcherLocalTests : IClassFixture<TalkFixture>, IDisposable
{
    private const double MinSeconds = 3;

    /// <summary>
    /// Every refusal must come quickly; the brief allows minutes, we want seconds. Unloaded they take 0-2.5 s; the
    /// bound leaves room for a 2-core machine shared with other builds.
    /// </summary>
    private const long MaxFailureMillis = 20_000;

    private readonly BuiltMedia talk;
    private readonly string work = TestMedia.TempDir("fetch-work");
    private readonly string blobRoot = TestMedia.TempDir("fetch-blobs");
    private readonly FileBlobStore blobs;
    private readonly ITestOutputHelper output;

    public FetcherLocalTests(TalkFixture fixture, ITestOutputHelper output)
    {
        talk = fixture.Talk;
        blobs = new FileBlobStore(blobRoot);
        this.output = output;
    }

    public void Dispose()
    {
        Directory.Delete(work, recursive: true);
        Directory.Delete(blobRoot, recursive: true);
    }

    [Fact]
    public async Task StoresALocalVideoUnderItsContentHashWithItsSideCarCaptions()
    {
        var dir = Directory.CreateDirectory(Path.Combine(work, "in")).FullName;
        var video = Path.Combine(dir, "talk.mp4");
        File.Copy(talk.File, video);
        var srt = Path.Combine(dir, "talk.srt");
        await File.WriteAllTextAsync(srt, "1\n00:00:00,000 --> 00:00:02,000\nClipper fetches\n");
        var progress = new ProgressLog();
        var job = Path.Combine(work, "job");

        using var fetcher = Fetcher(new FetchOptions());
        var source = await fetcher.FetchAsync(new FetchRequest(video, job, MinSeconds, progress));

        var sha = FetchMedia.Sha256(video);
        Assert.Equal(sha, source.Sha256);
        Assert.Equal($"sources/{sha}.mp4", source.BlobKey);
        Assert.Equal(await File.ReadAllBytesAsync(video), await blobs.GetBytesAsync(source.BlobKey));
        var info = source.Media;
        Assert.Equal(640, info.Width);
        Assert.Equal(360, info.Height);
        Assert.True(info.HasVideo && info.HasAudio);
        Assert.Equal(talk.DurationSeconds, info.DurationSeconds, 0.05);
        Assert.Equal("talk.mp4", source.DisplayName);
        Assert.Equal(video, source.Input);
        Assert.Equal($"sources/{sha}.srt", source.CaptionsKey);
        Assert.Equal(await File.ReadAllBytesAsync(srt), await blobs.GetBytesAsync(source.CaptionsKey!));
        progress.AssertRisingToOne(atLeast: 3);
        Assert.False(Directory.Exists(job), "a local file needs no work directory");
    }

    [Fact]
    public async Task CaptionsNamedWithALanguageAreFoundAndKeepItInTheirStoredName()
    {
        var dir = Directory.CreateDirectory(Path.Combine(work, "in-ru")).FullName;
        var video = Path.Combine(dir, "talk.mp4");
        File.Copy(talk.File, video);
        await File.WriteAllTextAsync(Path.Combine(dir, "talk.ru.vtt"), ForeignCaptions.RussianVtt(20, header: false));

        using var fetcher = Fetcher(new FetchOptions());
        var source = await fetcher.FetchAsync(new FetchRequest(video, work, MinSeconds));

        Assert.Equal($"sources/{source.Sha256}.ru.vtt", source.CaptionsKey);
    }

    [Fact]
    public async Task FindsCaptionsNamedAfterTheWholeFileNameAndAcceptsFileUris()
    {
        var dir = Directory.CreateDirectory(Path.Combine(work, "in")).FullName;
        var video = Path.Combine(dir, "my talk.mp4");
        File.Copy(talk.File, video);
        await File.WriteAllTextAsync(Path.Combine(dir, "my talk.mp4.vtt"), "WEBVTT\n\n00:00.000 --> 00:02.000\nClipper\n");
        var uri = new Uri(video).AbsoluteUri;
        Assert.Contains("my%20talk.mp4", uri);

        using var fetcher = Fetcher(new FetchOptions());
        var source = await fetcher.FetchAsync(new FetchRequest(uri, work, MinSeconds));

        Assert.Equal($"sources/{source.Sha256}.vtt", source.CaptionsKey);
        Assert.Equal("my talk.mp4", source.DisplayName);
        Assert.Equal(uri, source.Input);
    }

    [Fact]
    public async Task IgnoresASideCarFileThatHoldsNoCaptions()
    {
        var dir = Directory.CreateDirectory(Path.Combine(work, "in")).FullName;
        var video = Path.Combine(dir, "talk.mp4");
        File.Copy(talk.File, video);
        await File.WriteAllTextAsync(Path.Combine(dir, "talk.srt"), "just some notes, no timings");

        using var fetcher = Fetcher(new FetchOptions());
        var source = await fetcher.FetchAsync(new FetchRequest(video, work, MinSeconds));

        Assert.Null(source.CaptionsKey);
    }

    [Fact]
    public async Task IgnoresCaptionsOverTheSizeLimit()
    {
        var dir = Directory.CreateDirectory(Path.Combine(work, "in")).FullName;
        var video = Path.Combine(dir, "talk.mp4");
        File.Copy(talk.File, video);
        await File.WriteAllTextAsync(Path.Combine(dir, "talk.srt"), "1\n00:00:00,000 --> 00:00:02,000\n" + new string('x', 2000) + "\n");

        using var fetcher = Fetcher(new FetchOptions { MaxCaptionBytes = 1000 });
        var source = await fetcher.FetchAsync(new FetchRequest(video, work, MinSeconds));

        Assert.Null(source.CaptionsKey);
        Assert.Equal([source.BlobKey], await blobs.ListAsync(""));
    }

    [Fact]
    public async Task AnUploadInTheBlobStoreIsFetchedUnderItsNameAndOnlyUploadsAreTaken()
    {
        var upload = BlobLayout.Upload("job-1", "talk.mp4");
        await blobs.PutFileAsync(upload, talk.File);
        var job = Path.Combine(work, "job");

        using var fetcher = Fetcher(new FetchOptions());
        var source = await fetcher.FetchAsync(new FetchRequest(BlobLayout.Input(upload), job, MinSeconds));

        Assert.Equal(BlobLayout.Source(FetchMedia.Sha256(talk.File), "mp4"), source.BlobKey);
        Assert.Equal("talk.mp4", source.DisplayName);
        Assert.Equal([source.BlobKey, upload], await blobs.ListAsync(""));
        var other = await Assert.ThrowsAsync<ClipperException>(() =>
            fetcher.FetchAsync(new FetchRequest(BlobLayout.Input(source.BlobKey), job, MinSeconds)));
        Assert.Equal(ErrorCode.UnsupportedUrl, other.Code);
    }

    [Fact]
    public async Task DoesNotUploadASourceThatIsAlreadyStored()
    {
        using var fetcher = Fetcher(new FetchOptions());
        var first = await fetcher.FetchAsync(new FetchRequest(talk.File, work, MinSeconds));
        var blob = blobs.PathOf(first.BlobKey);
        // FileBlobStore.PutFileAsync writes a new file, so a stamp that survives means no second upload.
        var stamp = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(blob, stamp);

        var second = await fetcher.FetchAsync(new FetchRequest(talk.File, work, MinSeconds));

        Assert.Equal(first.BlobKey, second.BlobKey);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(blob));
    }

    [Fact]
    public async Task NeverModifiesTheInputFile()
    {
        var before = (FetchMedia.Sha256(talk.File), File.GetLastWriteTimeUtc(talk.File), new FileInfo(talk.File).Length);
        using var fetcher = Fetcher(new FetchOptions());

        await fetcher.FetchAsync(new FetchRequest(talk.File, work, MinSeconds));

        Assert.Equal(before, (FetchMedia.Sha256(talk.File), File.GetLastWriteTimeUtc(talk.File), new FileInfo(talk.File).Length));
    }

    [Fact]
    public async Task AnEmptyFileIsNotAVideo()
    {
        var empty = Path.Combine(work, "empty.mp4");
        await File.WriteAllBytesAsync(empty, []);
        await AssertRefusedAsync(empty, ErrorCode.NotAVideo, "the file is empty");
    }

    [Fact]
    public async Task ATextFileNamedMp4IsNotAVideo()
    {
        var text = Path.Combine(work, "notes.mp4");
        await File.WriteAllTextAsync(text, "These are my meeting notes, not a video.\n");
        await AssertRefusedAsync(text, ErrorCode.NotAVideo, "it holds text, not video");
    }

    [Fact]
    public async Task AnMp4CutInHalfIsTruncated()
    {
        var half = await FetchMedia.CutAsync(talk.File, 0.5, Path.Combine(work, "half.mp4"));
        await AssertRefusedAsync(half, ErrorCode.NotAVideo, "the file is truncated or corrupt");
    }

    [Fact]
    public async Task AnMp4MissingItsLastQuarterIsTruncated()
    {
        var cut = await FetchMedia.CutAsync(talk.File, 0.75, Path.Combine(work, "three-quarters.mp4"));
        await AssertRefusedAsync(cut, ErrorCode.NotAVideo, "the file is truncated or corrupt");
    }

    [Fact]
    public async Task AnMp4WithItsIndexAtTheEndCutInHalfIsTruncated()
    {
        var whole = await FetchMedia.PatternAsync("slow-start.mp4", 5, "sine=frequency=440", faststart: false);
        var half = await FetchMedia.CutAsync(whole, 0.5, Path.Combine(work, "slow-start-half.mp4"));
        var e = await AssertRefusedAsync(half, ErrorCode.NotAVideo, "the file is truncated or corrupt");
        Assert.Contains("moov atom", e.Message);
    }

    [Fact]
    public async Task AudioWithACoverPictureIsNotAVideo()
    {
        await AssertRefusedAsync(await FetchMedia.AudioWithCoverAsync(), ErrorCode.NotAVideo, "only audio");
    }

    [Fact]
    public async Task AWavFileIsNotAVideo()
    {
        await AssertRefusedAsync(await FetchMedia.WavAsync(), ErrorCode.NotAVideo, "only audio");
    }

    [Fact]
    public async Task APhotoIsNotAVideo()
    {
        var photo = Path.Combine(work, "photo.mp4");
        File.Copy(Assets.Photo("jesper.jpg"), photo);
        await AssertRefusedAsync(photo, ErrorCode.NotAVideo, "still image");
    }

    [Fact]
    public async Task AVideoWithoutAudioHasNoAudio()
    {
        var mute = await FetchMedia.PatternAsync("mute.mp4", 5, null, faststart: true);
        await AssertRefusedAsync(mute, ErrorCode.NoAudio, "no audio track");
    }

    [Fact]
    public async Task AVideoWithASilentTrackHasNoSpeech()
    {
        var silent = await FetchMedia.PatternAsync("silent.mp4", 5, "anullsrc=r=48000:cl=mono", faststart: true);
        await AssertRefusedAsync(silent, ErrorCode.NoSpeech, "the audio track is silent");
    }

    [Fact]
    public async Task ALongVideoIsCheckedForSilenceInWindowsThatReachItsEnd()
    {
        // Over ten minutes, silence is measured in windows spread over the whole length, not the whole track.
        var silent = await FetchMedia.LongVideoAsync("long-silent.mp4", 700, 700);
        await AssertRefusedAsync(silent, ErrorCode.NoSpeech, "the audio track is silent");

        var lateStart = await FetchMedia.LongVideoAsync("long-late-start.mp4", 700, 600);
        using var fetcher = Fetcher(new FetchOptions());
        var clock = Stopwatch.StartNew();
        var source = await fetcher.FetchAsync(new FetchRequest(lateStart, work, 15));
        Assert.Equal(700, source.Media.DurationSeconds, 0.5);
        // Three short tool runs whatever the length (about 3 s unloaded); the bound catches a check that hangs.
        Assert.True(clock.ElapsedMilliseconds < 30_000, $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task AVideoShorterThanTheShortestClipIsTooShort()
    {
        var brief = await FetchMedia.PatternAsync("brief.mp4", 2, "sine=frequency=440", faststart: true);
        var e = await AssertRefusedAsync(brief, ErrorCode.SourceTooShort, "shorter than the minimum clip length of 3.0 s");
        Assert.Contains("2.0 s", e.Message);
    }

    [Fact]
    public async Task AVideoLongerThanTheLimitIsTooLong()
    {
        var e = await AssertRefusedAsync(talk.File, new FetchOptions { MaxDuration = TimeSpan.FromSeconds(4) },
            ErrorCode.SourceTooLong, "the limit is 4.0 s");
        Assert.StartsWith("the video is", e.Message);
    }

    [Fact]
    public async Task AFileOverTheByteLimitIsTooLarge()
    {
        await AssertRefusedAsync(talk.File, new FetchOptions { MaxSourceBytes = 10_000 }, ErrorCode.SourceTooLarge, "the limit is 10000 bytes");
    }

    [Fact]
    public async Task AMissingFileIsNotFoundAndTheMessageNamesIt()
    {
        var missing = Path.Combine(work, "no-such-video.mp4");
        await AssertRefusedAsync(missing, ErrorCode.SourceNotFound, "no such file: " + missing);
    }

    [Fact]
    public async Task AnAddressWithoutASchemeIsAFileThatIsNotThereWithAHint()
    {
        var e = await AssertRefusedAsync("www.example.com/talk.mp4", ErrorCode.SourceNotFound, "no such file:");
        Assert.EndsWith("(for a URL, include http:// or https://)", e.Message);
    }

    [Fact]
    public async Task ADirectoryIsNotAVideo()
    {
        var dir = Directory.CreateDirectory(Path.Combine(work, "folder")).FullName;
        await AssertRefusedAsync(dir, ErrorCode.NotAVideo, "is a directory");
    }

    [Fact]
    public async Task AnEmptyInputIsABadOption()
    {
        using var fetcher = Fetcher(new FetchOptions());
        var e = await Assert.ThrowsAsync<ClipperException>(() => fetcher.FetchAsync(new FetchRequest("  ", work, MinSeconds)));
        Assert.Equal(ErrorCode.BadOption, e.Code);
    }

    private Task<ClipperException> AssertRefusedAsync(string input, ErrorCode code, string messagePart) =>
        AssertRefusedAsync(input, new FetchOptions(), code, messagePart);

    private async Task<ClipperException> AssertRefusedAsync(string input, FetchOptions options, ErrorCode code, string messagePart)
    {
        var jobDir = Path.Combine(work, "job");
        using var fetcher = Fetcher(options);
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ClipperException>(() => fetcher.FetchAsync(new FetchRequest(input, jobDir, MinSeconds)));
        output.WriteLine($"{Path.GetFileName(input),-30} {e.Code.Code(),-17} {clock.ElapsedMilliseconds,5} ms  {e.Message}");
        Assert.True(code == e.Code, e.ToString());
        Assert.Contains(messagePart, e.Message);
        Assert.False(e.IsTransient, "a bad file is never worth retrying");
        Assert.True(clock.ElapsedMilliseconds < MaxFailureMillis, $"took {clock.ElapsedMilliseconds} ms");
        Assert.Empty(await blobs.ListAsync(""));
        Assert.Empty(FetchMedia.ListTree(jobDir));
        return e;
    }

    private Fetcher Fetcher(FetchOptions options) => new(blobs, options);
}
