using System.Text;
using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Work;
using Clipper.Core;
using Clipper.Core.Media;
using Clipper.Core.Transcripts;
using Clipper.TestSupport;

namespace Clipper.Grains.Tests;

/// <summary>
/// A link's audio fetched ahead of its video: the real yt-dlp reads two pages on loopback, one whose video is DASH (video
/// and audio apart, the video segments served slowly so the video takes about 8 s) and one with the same talk as a
/// single MP4. For the first, recognition chunks run while the fetch still downloads the video; for the second, the job
/// says why it waited. Both give the same words, and the audio stream is removed once the transcript is stored. A second
/// job of the first link finds the transcript in the cache. A site whose sound starts half a second after its picture keeps
/// that gap in the merged source, and the words recognised from its audio stream are moved onto the source's clock.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
public sealed class AudioFirstTests(ITestOutputHelper output)
{
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();

    private void Mark(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {what}");

    private static readonly TimeSpan VideoDownload = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task ALinksAudioIsRecognisedWhileItsVideoDownloadsAndGivesTheWordsOfTheMergedSource()
    {
        var talk = await TestMedia.ShortTalkAsync();
        var media = TestMedia.TempDir("audio-first-media");
        // the talk's first 40 s (two chunks' recognition per job is all the test needs)
        await TestMedia.FfmpegAsync(Path.Combine(media, "talk.mpd"), "-i", talk.File, "-t", "40", "-c", "copy", "-f", "dash", "-seg_duration", "1",
            "-use_template", "1", "-use_timeline", "1", "-adaptation_sets", "id=0,streams=v id=1,streams=a");
        var dash = Directory.GetFiles(media).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        // the same streams as one progressive file, as the fetch merges them (the audio's clock from its first sample)
        var progressive = await File.ReadAllBytesAsync(await TestMedia.FfmpegAsync(Path.Combine(media, "together.mkv"), "-i",
            Path.Combine(media, "talk.mpd"), "-c", "copy"));
        await using var site = Site(dash, progressive);

        Mark("media");
        var home = TestMedia.TempDir("audio-first");
        await using (var cluster = await JobCluster.StartAsync(1, home, settings: new Dictionary<string, string?>
        {
            ["Clipper:Transcribe:ChunkSeconds"] = "15",
        }))
        {
            Mark("cluster");
            var options = Jobs.Small with { MaxClips = 1 };
            string apart = Jobs.NewId("apart"), together = Jobs.NewId("together");
            await cluster.Grains.GetGrain<IVideoJobGrain>(apart).Submit(new JobSpec(site.Url("/watch/apart"), options));
            await cluster.Grains.GetGrain<IVideoJobGrain>(together).Submit(new JobSpec(site.Url("/watch/together"), options));

            // a chunk of the audio in recognition while the video is still downloading, seen in the job's own view
            var overlap = await cluster.WaitAsync(apart, v => v.Error is not null
                || (v.Source is null && v.Running is { } r && r.ContainsKey("fetch") && r.Keys.Any(IsChunk)), TimeSpan.FromSeconds(60));
            Mark("overlap");
            Assert.Null(overlap.Error);
            Assert.NotNull(overlap.AudioFirst?.Audio);
            Assert.Null(overlap.AudioFirst.Reason);
            Assert.InRange(overlap.AudioFirst.Audio.SizeBytes, 1, progressive.Length / 2);

            var a = await TranscribedAsync(cluster, apart, TimeSpan.FromMinutes(2));
            var b = await TranscribedAsync(cluster, together, TimeSpan.FromMinutes(2));
            Mark("transcripts");
            Assert.Null(b.AudioFirst?.Audio);
            Assert.StartsWith("the site offers video and audio only together (one http mkv file)", b.AudioFirst?.Reason);
            // both cut in chunks: the same recogniser's work, from the audio stream and from the merged file
            Assert.Contains(a.WorkSeconds.Keys, IsChunk);
            Assert.Contains(b.WorkSeconds.Keys, IsChunk);
            var ahead = Read(cluster, a.Transcript!.TranscriptKey);
            var merged = Read(cluster, b.Transcript!.TranscriptKey);
            Assert.True(ahead.Words.Count > 50, $"{ahead.Words.Count} words");
            Assert.Equal(merged.Text, ahead.Text);
            Assert.All(ahead.Words.Zip(merged.Words), w => Assert.Equal(w.Second.Start, w.First.Start, 0.03));
            // the audio stream is read only by the split: once the transcript is stored it is removed
            var stream = overlap.AudioFirst.Audio.AudioKey;
            Assert.StartsWith("audio/", stream);
            Assert.False(File.Exists(Path.Combine(cluster.BlobDir, stream)), $"{stream} is still stored after the join");

            // the same link again: the audio is fetched ahead, but nothing is recognised; the transcript comes from the cache
            string again = Jobs.NewId("apart-again");
            await cluster.Grains.GetGrain<IVideoJobGrain>(again).Submit(new JobSpec(site.Url("/watch/apart"), options));
            var c = await TranscribedAsync(cluster, again, TimeSpan.FromMinutes(1));
            Mark("again");
            Assert.NotNull(c.AudioFirst?.Audio);
            Assert.DoesNotContain(c.WorkSeconds.Keys, IsChunk);
            Assert.Equal(ahead.Text, Read(cluster, c.Transcript!.TranscriptKey).Text);
            // fetched again (the same bytes, the same key) and removed again, though this job recognised nothing
            Assert.Equal(stream, c.AudioFirst.Audio.AudioKey);
            Assert.False(File.Exists(Path.Combine(cluster.BlobDir, stream)), $"{stream} is still stored after a cached transcript");
        }

        Directory.Delete(home, true);
        Directory.Delete(media, true);
    }

    [Fact]
    public async Task AnAudioStreamThatStartsAfterItsVideoKeepsItsPlaceInTheMergedSourceAndItsWordsTheirTimes()
    {
        var talk = await TestMedia.ShortTalkAsync();
        var media = TestMedia.TempDir("audio-late-media");
        // the talk's first 40 s with its sound half a second after its picture: a site's DASH manifest, and one progressive file
        var cut = await TestMedia.FfmpegAsync(Path.Combine(media, "cut.mp4"), "-i", talk.File, "-t", "40", "-c", "copy");
        var late = await TestMedia.FfmpegAsync(Path.Combine(media, "late.mp4"), "-i", cut, "-itsoffset", "0.5", "-i", cut,
            "-map", "0:v", "-map", "1:a", "-c", "copy");
        var dashDir = Directory.CreateDirectory(Path.Combine(media, "dash")).FullName;
        await TestMedia.FfmpegAsync(Path.Combine(dashDir, "talk.mpd"), "-i", late, "-c", "copy", "-f", "dash", "-seg_duration", "1",
            "-use_template", "1", "-use_timeline", "1", "-adaptation_sets", "id=0,streams=v id=1,streams=a");
        var dash = Directory.GetFiles(dashDir).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        var progressive = await File.ReadAllBytesAsync(await TestMedia.FfmpegAsync(Path.Combine(media, "together.mkv"), "-i", late, "-c", "copy"));
        // half a second less the AAC encoder's priming
        double lateBy = (await Probe.ProbeAsync(late)).Timing.AudioDelaySeconds;
        Assert.InRange(lateBy, 0.4, 0.55);
        await using var site = Site(dash, progressive);

        var home = TestMedia.TempDir("audio-late");
        await using (var cluster = await JobCluster.StartAsync(1, home, settings: new Dictionary<string, string?>
        {
            ["Clipper:Transcribe:ChunkSeconds"] = "15",
        }))
        {
            var options = Jobs.Small with { MaxClips = 1 };
            string apart = Jobs.NewId("late-apart"), together = Jobs.NewId("late-together");
            await cluster.Grains.GetGrain<IVideoJobGrain>(apart).Submit(new JobSpec(site.Url("/watch/apart"), options));
            await cluster.Grains.GetGrain<IVideoJobGrain>(together).Submit(new JobSpec(site.Url("/watch/together"), options));
            var a = await TranscribedAsync(cluster, apart, TimeSpan.FromMinutes(2));
            var b = await TranscribedAsync(cluster, together, TimeSpan.FromMinutes(2));
            Mark("transcripts");
            Assert.Null(a.Error);
            Assert.NotNull(a.AudioFirst?.Audio);
            Assert.Contains(a.WorkSeconds.Keys, IsChunk);
            Assert.Null(b.AudioFirst?.Audio);

            // the fetch's merge of the DASH streams kept the sound where the site put it, and the job knows how late it is
            var merged = await Probe.ProbeAsync(Path.Combine(cluster.BlobDir, a.Source!.SourceKey));
            Assert.Equal(lateBy, merged.Timing.AudioDelaySeconds, 0.03);
            Assert.Equal(lateBy, a.Source.AudioDelay, 0.03);
            // the words recognised from the audio stream alone are on the merged source's clock, as those from the whole file:
            // the two cut their chunks at other places (the whole file's sound has the gap before it), so a word or two differs
            // at a seam; the words both heard, matched in order, start at the same time (without the move: lateBy earlier)
            var ahead = Read(cluster, a.Transcript!.TranscriptKey);
            var whole = Read(cluster, b.Transcript!.TranscriptKey);
            Assert.True(ahead.Words.Count > 50, $"{ahead.Words.Count} words");
            var pairs = Matched(ahead.Words, whole.Words);
            var gaps = pairs.Select(p => Math.Abs(p.A.Start - p.B.Start)).Order().ToList();
            output.WriteLine($"late audio: {lateBy:0.000} s; {pairs.Count} of {ahead.Words.Count} and {whole.Words.Count} words matched, "
                + $"start difference median {gaps[gaps.Count / 2]:0.000} s, 90th percentile {gaps[gaps.Count * 9 / 10]:0.000} s");
            Assert.True(pairs.Count >= 0.9 * Math.Max(ahead.Words.Count, whole.Words.Count), $"{pairs.Count} words matched");
            Assert.True(gaps[gaps.Count / 2] <= 0.03, $"median start difference {gaps[gaps.Count / 2]:0.000} s");
            Assert.True(gaps[gaps.Count * 9 / 10] <= 0.05, $"90th percentile start difference {gaps[gaps.Count * 9 / 10]:0.000} s");
            Assert.True(ahead.Words[0].Start >= lateBy, $"the first word at {ahead.Words[0].Start:0.000} s, before the sound starts at {lateBy:0.000} s");
        }

        Directory.Delete(home, true);
        Directory.Delete(media, true);
    }

    /// <summary>
    /// A site on loopback: /watch/apart a page whose video is the DASH manifest (the video's segments, stream0, each wait
    /// their share of <see cref="VideoDownload"/>; the audio's, stream1, come at once), /watch/together a page whose video is
    /// the same talk as one progressive Matroska file.
    /// </summary>
    private static TestHttpServer Site(Dictionary<string, byte[]> dash, byte[] progressive)
    {
        var pause = VideoDownload / dash.Keys.Count(k => k.Contains("stream0", StringComparison.Ordinal));
        return new TestHttpServer(async ex =>
        {
            switch (ex.Path)
            {
                case "/watch/apart":
                    await Page(ex, "/dash/talk.mpd");
                    break;
                case "/watch/together":
                    await Page(ex, "/media/talk.mkv");
                    break;
                case "/media/talk.mkv":
                    await ex.SendAsync(200, progressive, ("Content-Type", "video/x-matroska"));
                    break;
                case var p when p.StartsWith("/dash/", StringComparison.Ordinal) && dash.TryGetValue(p[6..], out var bytes):
                    if (p.Contains("stream0", StringComparison.Ordinal) && p.EndsWith(".m4s", StringComparison.Ordinal))
                    {
                        await Task.Delay(pause, ex.Stopping);
                    }

                    await ex.SendAsync(200, bytes, ("Content-Type", p.EndsWith(".mpd", StringComparison.Ordinal) ? "application/dash+xml" : "video/iso.segment"));
                    break;
                default:
                    await ex.SendAsync(404, []);
                    break;
            }
        });
    }

    /// <summary>The longest sequence of words the same in both, in order (a word-level diff), as pairs.</summary>
    private static List<(Word A, Word B)> Matched(IReadOnlyList<Word> a, IReadOnlyList<Word> b)
    {
        var longest = new int[a.Count + 1, b.Count + 1];
        for (int i = a.Count - 1; i >= 0; i--)
        {
            for (int j = b.Count - 1; j >= 0; j--)
            {
                longest[i, j] = a[i].Text == b[j].Text ? longest[i + 1, j + 1] + 1 : Math.Max(longest[i + 1, j], longest[i, j + 1]);
            }
        }

        var pairs = new List<(Word, Word)>();
        for (int i = 0, j = 0; i < a.Count && j < b.Count;)
        {
            if (a[i].Text == b[j].Text)
            {
                pairs.Add((a[i++], b[j++]));
            }
            else if (longest[i + 1, j] >= longest[i, j + 1])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return pairs;
    }

    /// <summary>
    /// The job's view once its transcript is there (or it ended), the job then cancelled: the clips are not what these
    /// tests are about.
    /// </summary>
    private static async Task<JobView> TranscribedAsync(JobCluster cluster, string jobId, TimeSpan timeout)
    {
        var view = await cluster.WaitAsync(jobId, v => v.Transcript is not null || v.Status.IsTerminal(), timeout);
        await cluster.Grains.GetGrain<IVideoJobGrain>(jobId).Cancel();
        return view;
    }

    private static bool IsChunk(string unit) => WorkId.TryParse(unit, out var id) && id.IsChunk;

    private static Transcript Read(JobCluster cluster, string key) =>
        Json.Deserialize<Transcript>(File.ReadAllText(Path.Combine(cluster.BlobDir, key)));

    private static Task Page(TestHttpServer.Exchange ex, string video) =>
        ex.SendAsync(200, Encoding.UTF8.GetBytes("<!doctype html><html><head><title>A short talk</title></head><body>"
            + $"<video controls src=\"{video}\"></video></body></html>"), ("Content-Type", "text/html; charset=utf-8"));
}
