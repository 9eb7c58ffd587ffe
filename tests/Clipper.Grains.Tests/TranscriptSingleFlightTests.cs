using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Core.Storage;
using Clipper.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Clipper.Grains.Tests;

/// <summary>
/// Two jobs of the same new video at the same moment: one transcription, the other job waits for it and takes its
/// transcript. Counted by the silo's own clipper_transcripts_total, read through a MeterListener. The audio is heard
/// whole here (chunks of 600 s): the test lines both jobs up behind the transcript's lease, which a chunked
/// transcription takes only to join its chunks (each chunk has a lease of its own).
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
public sealed class TranscriptSingleFlightTests
{
    [Fact]
    public async Task TwoJobsOfTheSameNewVideoAtOnceMakeOneTranscription()
    {
        var spec = await Jobs.ShortTalkAsync(Jobs.Small with { MaxClips = 1 });
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(spec.Input)));
        await OneTranscriptionAsync(spec, BlobLayout.Transcript(sha, fromCaptions: false));
    }

    /// <summary>
    /// The same for a link to a page (read by the real yt-dlp, the video fetched by each job): the transcript is
    /// leased and cached by the site's id of the video, so the second job waits for the first one's.
    /// </summary>
    [Fact]
    public async Task TwoJobsOfTheSameNewLinkAtOnceMakeOneTranscription()
    {
        var spec = await Jobs.ShortTalkAsync(Jobs.Small with { MaxClips = 1 });
        var bytes = await File.ReadAllBytesAsync(spec.Input);
        await using var site = new TestHttpServer(ex => ex.Path switch
        {
            "/watch/short" => ex.SendAsync(200, System.Text.Encoding.UTF8.GetBytes(
                "<!doctype html><html><head><title>A short talk</title></head><body>"
                + "<video controls src=\"/media/short.mp4\"></video></body></html>"), ("Content-Type", "text/html; charset=utf-8")),
            "/media/short.mp4" => ex.SendAsync(200, bytes, ("Content-Type", "video/mp4")),
            _ => ex.SendAsync(404, []),
        });

        // yt-dlp's generic extractor names a video embedded in a page by the page's name and its place on the page
        await OneTranscriptionAsync(spec with { Input = site.Url("/watch/short") },
            BlobLayout.SiteTranscript("HTML5MediaEmbed", "short-1", fromCaptions: false));
        Assert.Equal(2, site.Hits.GetValueOrDefault("/media/short.mp4")); // each job fetched the video; one transcribed it
    }

    private static async Task OneTranscriptionAsync(JobSpec spec, string leaseKey)
    {
        var home = TestMedia.TempDir("single-flight");
        await using (var cluster = await JobCluster.StartAsync(1, home, settings: new Dictionary<string, string?> { ["Clipper:Transcribe:ChunkSeconds"] = "600" }))
        {
            var silo = cluster.Cluster.Silos[0];
            var factory = cluster.Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<IMeterFactory>();
            var counts = new Dictionary<string, long>();
            using var listener = new MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                // this silo's meter only: other tests' silos in this process count their own
                if (instrument.Meter.Scope == factory && instrument.Name == "clipper_transcripts_total")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                lock (counts)
                {
                    var how = (string)tags.ToArray().Single(t => t.Key == "how").Value!;
                    counts[how] = counts.GetValueOrDefault(how) + value;
                }
            });
            listener.Start();

            // the test holds the video's lease, so both jobs' transcriptions line up behind it: "at the same moment"
            var lease = cluster.Grains.GetGrain<ITranscriptLeaseGrain>(leaseKey);
            Assert.True(await lease.Acquire("test", TimeSpan.FromMinutes(5), TimeSpan.Zero));
            string first = Jobs.NewId("same-a"), second = Jobs.NewId("same-b");
            await Task.WhenAll(cluster.Grains.GetGrain<IVideoJobGrain>(first).Submit(spec), cluster.Grains.GetGrain<IVideoJobGrain>(second).Submit(spec));
            await Wait.Until(async () => await lease.Waiting() == 2, TimeSpan.FromMinutes(2));
            lock (counts)
            {
                Assert.Empty(counts);
            }

            await lease.Release("test");
            var a = await cluster.WaitAsync(first, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(4));
            var b = await cluster.WaitAsync(second, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(4));

            Assert.Equal((JobStatus.Completed, JobStatus.Completed), (a.Status, b.Status));
            Assert.Equal(a.Transcript!.TranscriptKey, b.Transcript!.TranscriptKey);
            Assert.Equal(a.Transcript.Words, b.Transcript.Words);
            lock (counts)
            {
                Assert.Equal(new Dictionary<string, long> { ["made"] = 1, ["waited"] = 1 }, counts);
            }
        }

        Directory.Delete(home, true);
    }
}
