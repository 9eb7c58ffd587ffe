using Clipper.Abstractions.Stages;
using Clipper.Core.Transcripts;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Clipper.Grains.Tests;

/// <summary>
/// A transcript result travels in stage reports and is kept in the job's stored state: the remote engine's pieces and
/// usage survive Orleans' serializer, and a result without them (a local engine, or a state stored before them) too; so
/// does the number of speakers the captions named.
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
    public void HowManySpeakersTheCaptionsNamedTravelsWithTheResult()
    {
        // the track units read the transcript for speaker turns only where this says two or more
        Word W(string text, double at, string? speaker) => new(text, at, at + 0.4, 1) { Speaker = speaker };
        var named = TranscriptResult.Of("transcripts/abc.json", new Transcript([W("Hi.", 0, "Ann"), W("Hello.", 1, "Ben"), W("So.", 2, "Ann"), W("Well.", 3, null)], "captions"));
        var back = Serializer.Deserialize<TranscriptResult>(Serializer.SerializeToArray(named))!;

        Assert.Equal(2, back.Speakers);
        Assert.Equal(0, TranscriptResult.Of("transcripts/abc.json", new Transcript([W("Hi.", 0, null)], "pocketsphinx")).Speakers);
    }

    [Fact]
    public void ALocalTranscriptHasNoPiecesAfterTheSerializer()
    {
        var back = Serializer.Deserialize<TranscriptResult>(Serializer.SerializeToArray(new TranscriptResult("transcripts/abc.json", 600, "pocketsphinx")))!;
        Assert.Null(back.Pieces);
        Assert.Null(back.Remote);
    }
}
