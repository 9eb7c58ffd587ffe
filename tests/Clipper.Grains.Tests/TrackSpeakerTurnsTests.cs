using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Storage;
using Clipper.Core.Transcripts;
using Clipper.Grains.Stages;
using Clipper.Stages.Transcribe;
using Clipper.TestSupport;

namespace Clipper.Grains.Tests;

/// <summary>
/// A job's captions with voice spans reach its track units: the transcript made from them is stored as the transcribe unit
/// stores it, its result counts the speakers, and a track unit reads it for its clip's speaker turns (which the tracker
/// then matches to faces: <c>ActiveSpeakerTests</c> in the track stage's tests, on the dialogue media). A transcript without
/// two named speakers is not read at all.
/// </summary>
[Trait("Category", "unit")]
public sealed class TrackSpeakerTurnsTests : IDisposable
{
    private readonly string _dir = TestMedia.TempDir("track-turns");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ATrackUnitGetsTheCaptionsVoiceSpansAsItsClipsSpeakerTurns()
    {
        const string vtt = """
            WEBVTT

            00:00:08.000 --> 00:00:12.000
            <v Ann>Welcome back to the show, today we talk about clips.

            00:00:12.500 --> 00:00:15.000
            <v Ben>Thanks for having me here.

            00:00:15.000 --> 00:00:22.000
            <v Ann>So what goes wrong most often with two people?
            """;
        var blobs = new FileBlobStore(_dir);
        var transcript = new Transcript(CaptionFileProvider.Parse(vtt), "captions");
        await blobs.WriteJsonAsync("transcripts/t.json", transcript, CancellationToken.None);
        var result = TranscriptResult.Of("transcripts/t.json", transcript);

        var turns = await TrackAdapter.SpeakerTurnsAsync(blobs, Work(result, 10, 20), CancellationToken.None);

        Assert.Equal(2, result.Speakers);
        Assert.Equal([new SpeakerRun(0, 2, "Ann"), new SpeakerRun(2.5, 5, "Ben"), new SpeakerRun(5, 10, "Ann")],
            turns!.Select(r => r with { Start = Math.Round(r.Start, 6), End = Math.Round(r.End, 6) }));
        // no speakers named (or a state stored before they were counted): the transcript is not read, the tracker gets none
        Assert.Null(await TrackAdapter.SpeakerTurnsAsync(blobs, Work(result with { TranscriptKey = "transcripts/missing.json", Speakers = 0 }, 10, 20),
            CancellationToken.None));
    }

    private static StageWork Work(TranscriptResult transcript, double start, double end) =>
        new("job", WorkId.Track(1), new JobSpec("talk.mp4", Jobs.Small), null, transcript,
            new ClipPlan(1, start, end, 50, 50, 50, 50, 50, "r", "t"), null);
}
