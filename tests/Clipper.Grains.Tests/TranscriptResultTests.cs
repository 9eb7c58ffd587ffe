using Clipper.Abstractions.Stages;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Clipper.Grains.Tests;

/// <summary>
/// A transcript result travels in stage reports and is kept in the job's stored state: the remote engine's pieces and
/// usage survive Orleans' serializer, and a result without them (a local engine, or a state stored before them) too.
/// </summary>
[Trait("Category", "unit")]
public sealed class TranscriptResultTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void ARemoteTranscriptsPiecesAndUsageSurviveTheSerializer()
    {
        var sent = new TranscriptResult("transcripts/abc.json", 600, "openai",
            [new TranscriptPiece(0, 118.2, "openai", 301, 2, null), new TranscriptPiece(118.2, 240.1, "pocketsphinx", 290, 1, "the API refused the key (HTTP 401)")],
            new RemoteAsrUsage("openai", "whisper-1", 3, 120.204));
        var back = Serializer.Deserialize<TranscriptResult>(Serializer.SerializeToArray(sent))!;

        Assert.Equal(("transcripts/abc.json", 600, "openai"), (back.TranscriptKey, back.Words, back.Provider));
        Assert.Equal(sent.Pieces, back.Pieces);
        Assert.Equal(sent.Remote, back.Remote);
    }

    [Fact]
    public void ALocalTranscriptHasNoPiecesAfterTheSerializer()
    {
        var back = Serializer.Deserialize<TranscriptResult>(Serializer.SerializeToArray(new TranscriptResult("transcripts/abc.json", 600, "pocketsphinx")))!;
        Assert.Null(back.Pieces);
        Assert.Null(back.Remote);
    }
}
