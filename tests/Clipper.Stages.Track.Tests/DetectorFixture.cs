using Clipper.Core.Samples;

namespace Clipper.Stages.Track.Tests;

/// <summary>One loaded detector with the default settings, shared by a test class.</summary>
public sealed class DetectorFixture : IDisposable
{
    public BlazeFace Detector { get; } = new(Assets.FaceModel(), new TrackOptions().DetectorThreads,
        new TrackOptions().MinFaceScore, new TrackOptions().MinFaceGeometry);

    public void Dispose() => Detector.Dispose();
}
