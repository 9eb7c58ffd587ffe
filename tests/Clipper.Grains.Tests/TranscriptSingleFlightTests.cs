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
/// transcript. Counted by the silo's own clipper_transcripts_total, read through a MeterListener.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
public sealed class TranscriptSingleFlightTests
{
    [Fact]
    public async Task TwoJobsOfTheSameNewVideoAtOnceMakeOneTranscription()
    {
        var home = TestMedia.TempDir("single-flight");
        var spec = await Jobs.ShortTalkAsync(Jobs.Small with { MaxClips = 1 });
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(spec.Input)));
        await using (var cluster = await JobCluster.StartAsync(1, home))
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
            var lease = cluster.Grains.GetGrain<ITranscriptLeaseGrain>(BlobLayout.Transcript(sha, fromCaptions: false));
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
