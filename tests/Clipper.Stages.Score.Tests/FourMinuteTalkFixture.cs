using Clipper.Core.Transcripts;
using Clipper.Samples;
using Clipper.Stages.Transcribe;
using Clipper.TestSupport;

namespace Clipper.Stages.Score.Tests;

/// <summary>
/// The cached four-minute talk (flite reading the sample talk, about 1.2 times round, with known sentence times)
/// recognised once by pocketsphinx with the default options.
/// </summary>
public sealed class FourMinuteTalkFixture : IAsyncLifetime
{
    public BuiltMedia Talk { get; private set; } = null!;

    public Transcript Recognised { get; private set; } = null!;

    public string Dir { get; } = TestMedia.TempDir("score-test");

    public async ValueTask InitializeAsync()
    {
        Talk = await TestMedia.FourMinuteTalkAsync();
        Recognised = (await new PocketsphinxProvider(new TranscribeOptions())
            .TranscribeAsync(new TranscribeRequest(Talk.File, null, Dir), null, CancellationToken.None))!;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}
