using Clipper.Core.Errors;
using Clipper.TestSupport;

namespace Clipper.Stages.Transcribe.Tests;

/// <summary>The recogniser processes of one source: they stop when the work is cancelled or one of them fails.</summary>
[Trait("Category", "media")]
public sealed class RecogniserProcessTest
{
    /// <summary>Live processes whose command line mentions the path (the recognisers reading their chunk files).</summary>
    private static List<int> ProcessesUsing(string path)
    {
        var found = new List<int>();
        foreach (var proc in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out int pid))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ');
                // the recognisers themselves, not the shells that measure their CPU (whose command line names them too)
                if (cmdline.Contains(path, StringComparison.Ordinal) && cmdline.Contains("pocketsphinx", StringComparison.Ordinal)
                    && !cmdline.StartsWith("/bin/sh ", StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // it ended while we looked
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>The soft limit on CPU seconds in /proc/PID/limits ("Max cpu time  60  60  seconds"); null when gone.</summary>
    private static string? CpuLimitOf(int pid)
    {
        try
        {
            var line = File.ReadAllLines($"/proc/{pid}/limits").Single(l => l.StartsWith("Max cpu time", StringComparison.Ordinal));
            return line["Max cpu time".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        }
        catch (IOException)
        {
            return null;
        }
    }

    [Fact]
    public async Task CancellingKillsTheRecognisersAndRemovesTheScratchFiles()
    {
        var talk = await TestMedia.ShortTalkAsync();
        var work = TestMedia.TempDir("transcribe-cancel");
        try
        {
            using var cancel = new CancellationTokenSource();
            int runningWhenCancelled = 0;
            var cpuLimits = new List<string?>();
            Task? canceller = null;
            var progress = new ProgressLog(_ => canceller ??= Task.Run(async () =>
            {
                // the audio is decoded (the first report); wait until both recognisers run, then cancel
                for (int i = 0; i < 100 && runningWhenCancelled < 2; i++)
                {
                    await Task.Delay(100);
                    var running = ProcessesUsing(work);
                    runningWhenCancelled = running.Count;
                    if (running.Count == 2)
                    {
                        cpuLimits.AddRange(running.Select(CpuLimitOf));
                    }
                }

                await cancel.CancelAsync();
            }));
            // each recogniser is held to CPU time, not wall time: 60 s + 0.01 s per second of its chunk of about 20 s
            var transcriber = Transcriber.Standard(new TranscribeOptions { ChunkSeconds = 20, Parallelism = 2, RecogniserCpuPerSecond = 0.01 });

            var e = await Assert.ThrowsAsync<ClipperException>(() =>
                transcriber.TranscribeAsync(new TranscribeRequest(talk.File, null, work), progress, cancel.Token));

            Assert.Equal(ErrorCode.Cancelled, e.Code);
            Assert.Equal(2, runningWhenCancelled);
            Assert.Equal(["60", "60"], cpuLimits);
            Assert.Equal([0.05], progress.Values); // no chunk finished
            Assert.Empty(ProcessesUsing(work));
            Assert.Empty(Directory.GetFileSystemEntries(work));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Theory]
    [InlineData(PocketsphinxMethod.Utterances, "pocketsphinx_batch")]
    [InlineData(PocketsphinxMethod.Continuous, "pocketsphinx_continuous")]
    public async Task OneFailingChunkFailsTheWholeWithItsOwnExplanation(PocketsphinxMethod method, string tool)
    {
        // four chunks, every recogniser fails at once on the missing model; the first failure is reported, not
        // the cancellation it causes in the others
        var talk = await TestMedia.ShortTalkAsync();
        var work = TestMedia.TempDir("transcribe-fail");
        try
        {
            var broken = new TranscribeOptions { Method = method, ChunkSeconds = 20, ModelDir = Path.Combine(work, "no-such-model") };
            var e = await Assert.ThrowsAsync<ClipperException>(() => new PocketsphinxProvider(broken)
                .TranscribeAsync(new TranscribeRequest(talk.File, null, work), null, TestContext.Current.CancellationToken));

            Assert.Equal(ErrorCode.ToolFailed, e.Code);
            Assert.StartsWith(tool + " failed with exit code", e.Message);
            Assert.Contains("no-such-model", e.Detail);
            Assert.Empty(ProcessesUsing(work));
            Assert.Empty(Directory.GetFileSystemEntries(work));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
