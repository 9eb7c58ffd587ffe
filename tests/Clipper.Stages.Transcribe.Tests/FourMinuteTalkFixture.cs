using System.Diagnostics;
using Clipper.Core.Transcripts;
using Clipper.Samples;
using Clipper.TestSupport;

namespace Clipper.Stages.Transcribe.Tests;

/// <summary>
/// The cached four-minute talk (flite reading the sample talk, with known sentence times) recognised once by
/// pocketsphinx with the default options: 60 s chunks, two at a time, so the audio is cut three times.
/// </summary>
public sealed class FourMinuteTalkFixture : IAsyncLifetime
{
    public BuiltMedia Talk { get; private set; } = null!;

    public Transcript Transcript { get; private set; } = null!;

    public IReadOnlyList<double> Progress { get; private set; } = [];

    public TimeSpan Elapsed { get; private set; }

    public TimeSpan Cpu { get; private set; }

    public string Dir { get; } = TestMedia.TempDir("transcribe-test");

    public async ValueTask InitializeAsync()
    {
        Talk = await TestMedia.FourMinuteTalkAsync();
        var progress = new ProgressLog();
        var clock = Stopwatch.StartNew();
        var cpu = TimeSpan.FromSeconds(Clipper.Core.Processes.ProcessCpu.Seconds().Children);
        Transcript = (await new PocketsphinxProvider(new TranscribeOptions())
            .TranscribeAsync(new TranscribeRequest(Talk.File, null, Path.Combine(Dir, "work")), progress, CancellationToken.None))!;
        Elapsed = clock.Elapsed;
        Cpu = TimeSpan.FromSeconds(Clipper.Core.Processes.ProcessCpu.Seconds().Children) - cpu;
        Progress = progress.Values;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}
