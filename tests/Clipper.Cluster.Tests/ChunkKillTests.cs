using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Clipper.TestSupport;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Cluster.Tests;

/// <summary>
/// Transcription as chunk units over three silo processes: a silo SIGKILLed while it recognises chunks costs the
/// chunks it had (accepted and not ended, as its own log says) and nothing else; the job completes with every clip once, and its transcript is word for word
/// the one an undisturbed job makes of the same audio.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "external")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
[Collection("cluster")]
public sealed partial class ChunkKillTests(ClusterRig rig, ITestOutputHelper output)
{
    [Fact]
    public async Task ASiloKilledWhileRecognisingChunksCostsOnlyItsInFlightChunks()
    {
        await rig.EnsureAllRunningAsync();
        var dir = TestMedia.TempDir("chunk-kill");
        try
        {
            // the same audio under two content hashes: neither job finds the other's chunks or transcript in the cache
            var killedCopy = await CopyAsync(rig.Source, Path.Combine(dir, "killed.mp4"));
            var calmCopy = await CopyAsync(rig.Source, Path.Combine(dir, "calm.mp4"));
            var options = ClusterRig.Small(1);

            var jobId = await rig.Silos[0].UploadAsync(killedCopy, options);
            var started = DateTime.UtcNow;
            // the silo with the most of this job's chunks in flight, once one has any
            var (victim, inFlight) = await Wait.For(() => Task.FromResult(rig.Silos.Where(s => s.Running)
                    .Select(s => (Silo: s, Chunks: InFlight(s.LogText(), jobId))).OrderByDescending(x => x.Chunks.Count).First()),
                x => x.Chunks.Count > 0, TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(100));
            var killedAt = DateTime.UtcNow;
            victim.Kill();
            // read again after the kill: a chunk that began or ended meanwhile is in the log, which is flushed line by line
            inFlight = InFlight(victim.LogText(), jobId);
            output.WriteLine($"SIGKILL {victim.Name} with {string.Join(", ", inFlight)} in flight");
            var done = await rig.WaitAllAsync([jobId], TimeSpan.FromMinutes(6));
            var elapsed = DateTime.UtcNow - started;
            await victim.StartAsync();

            var job = done[jobId];
            Assert.True(job.State == V1.JobState.Completed, $"{job.State} {job.ErrorCode}: {job.ErrorMessage}");
            // what ran twice: a unit accepted by a second silo (or again by the first) after the kill
            var runs = rig.LogLines().Select(l => Accepted().Match(l.Line)).Where(m => m.Success && m.Groups["job"].Value == jobId)
                .GroupBy(m => m.Groups["unit"].Value).ToDictionary(g => g.Key, g => g.Count());
            var rerun = runs.Where(r => r.Value > 1).Select(r => r.Key).Order(StringComparer.Ordinal).ToList();
            var chunks = runs.Keys.Count(k => k.StartsWith("transcribe-", StringComparison.Ordinal));
            output.WriteLine($"units run: {string.Join(", ", runs.Select(r => $"{r.Key}×{r.Value}"))}");
            Assert.True(chunks >= 3, $"only {chunks} chunk units ran");
            // placed in turn: the silos shared the chunks, so the one killed had no more than its two slots' worth
            var silos = rig.LogLines().Where(l => Lifecycle().Match(l.Line) is { Success: true } m && m.Groups["job"].Value == jobId)
                .Select(l => l.Silo).Distinct().Count();
            Assert.True(silos >= 2, $"the chunks ran on {silos} silo(s)");
            Assert.InRange(inFlight.Count, 1, 2);
            // exactly the chunks the killed silo had ran again. Before the silos kept a distributed grain directory, a
            // chunk on a surviving silo could be stopped the moment the dead one was declared dead (it held that
            // unit's directory entry) and ran twice too: such a stop is named in the failure
            var stoppedElsewhere = rig.LogLines().Where(l => l.Silo != victim.Name && l.At >= killedAt)
                .Select(l => Lifecycle().Match(l.Line))
                .Where(m => m.Success && m.Groups["job"].Value == jobId && m.Groups["outcome"].Value == "cancelled")
                .Select(m => m.Groups["unit"].Value).Order(StringComparer.Ordinal).ToList();
            Assert.True(inFlight.Order(StringComparer.Ordinal).SequenceEqual(rerun),
                $"re-run [{string.Join(", ", rerun)}], in flight on {victim.Name} [{string.Join(", ", inFlight)}], "
                + $"stopped on a surviving silo after the kill [{string.Join(", ", stoppedElsewhere)}]");
            await rig.AssertDeliveredAsync(done.Values, output);

            // the same audio, undisturbed
            var calm = await rig.Silos[1].UploadAsync(calmCopy, options);
            var calmDone = await rig.WaitAllAsync([calm], TimeSpan.FromMinutes(6));
            Assert.Equal(V1.JobState.Completed, calmDone[calm].State);
            var killedWords = await WordsAsync(killedCopy);
            var calmWords = await WordsAsync(calmCopy);
            Assert.True(killedWords.Count > 100, $"{killedWords.Count} words");
            Assert.Equal(calmWords, killedWords);
            Measurements.Record($"chunk kill: {chunks} chunk units on {silos} of 3 silos; SIGKILL of {victim.Name} with {inFlight.Count} chunk(s) in flight "
                + $"({string.Join(", ", inFlight)}); re-run {rerun.Count} ({string.Join(", ", rerun)}), exactly those; the job completed {elapsed.TotalSeconds:0} s after "
                + $"submission with every clip once; transcript identical to an undisturbed job's ({killedWords.Count} words)");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>The job's chunk units a silo's log shows accepted and not ended.</summary>
    private static List<string> InFlight(string log, string jobId)
    {
        var open = new HashSet<string>();
        foreach (Match m in Lifecycle().Matches(log))
        {
            if (m.Groups["job"].Value != jobId)
            {
                continue;
            }

            if (m.Groups["what"].Value == "accepted")
            {
                open.Add(m.Groups["unit"].Value);
            }
            else
            {
                open.Remove(m.Groups["unit"].Value);
            }
        }

        return [.. open];
    }

    /// <summary>A copy of the video whose bytes differ only in a tag: the same audio, another content hash.</summary>
    private static async Task<string> CopyAsync(string source, string output) =>
        await TestMedia.FfmpegAsync(output, "-i", source, "-c", "copy", "-map", "0", "-metadata", $"comment={Guid.NewGuid():N}");

    /// <summary>The words of the transcript stored for the file's content: text and times.</summary>
    private async Task<List<(string Text, double Start, double End)>> WordsAsync(string file)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file)));
        var blob = await rig.Services.Container.GetBlobClient($"transcripts/{sha}.json").DownloadContentAsync();
        using var json = JsonDocument.Parse(blob.Value.Content.ToString());
        return [.. json.RootElement.GetProperty("words").EnumerateArray()
            .Select(w => (w.GetProperty("word").GetString()!, w.GetProperty("start").GetDouble(), w.GetProperty("end").GetDouble()))];
    }

    [GeneratedRegex(@"(?<job>\S+) (?<unit>transcribe-\d+) (?<what>accepted|ended) on this silo( \((?<outcome>\w+)\))?")]
    private static partial Regex Lifecycle();

    [GeneratedRegex(@"(?<job>\S+) (?<unit>[a-z]+(-\d+)?) accepted on this silo")]
    private static partial Regex Accepted();
}
