using System.Diagnostics;
using Clipper.Core.Samples;
using Clipper.Core.Transcripts;
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
        var cpu = ChildrenCpu();
        Transcript = (await new PocketsphinxProvider(new TranscribeOptions())
            .TranscribeAsync(new TranscribeRequest(Talk.File, null, Path.Combine(Dir, "work")), progress, CancellationToken.None))!;
        Elapsed = clock.Elapsed;
        Cpu = ChildrenCpu() - cpu;
        Progress = progress.Values;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Dir, recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// CPU time of this process's finished children (the recognisers and ffmpeg), from /proc/self/stat: on a
    /// shared machine the wall clock says more about the neighbours than about pocketsphinx.
    /// </summary>
    private static TimeSpan ChildrenCpu()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields from the third on: cutime and cstime are fields 16 and 17 of the whole line
        long ticks = long.Parse(fields[13]) + long.Parse(fields[14]);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }
}
