using Clipper.Core.Crop;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// Subject choice and shot handling on detections laid out by hand, for situations real test media cannot stage
/// reliably (faces detected in alternate frames, a subject leaving, a cutaway). A 1920x1080 source and a 9:16
/// window, 608 px wide; 5 samples a second.
/// </summary>
[Trait("Category", "unit")]
public sealed class PathFitterTests
{
    private const int Window = 608;
    private static readonly TrackOptions Options = new();

    private readonly PathFitter _fitter = new(Options, 1920, 1080, 1080, 1920);

    [Fact]
    public void KeepsOneSubjectWhenTwoFacesAreEachSeenOnlyEveryOtherFrame()
    {
        // Two people 600 px apart, each missed in every other sample: a per-frame choice would hop between them,
        // and neither is a "face jump" cut, since each place was occupied a moment before.
        var samples = new List<Sample>();
        for (int i = 0; i < 50; i++)
        {
            samples.Add(new Sample(i / 5.0, [i % 2 == 0 ? FaceAt(500, 400, 200, 0.90) : FaceAt(1100, 400, 190, 0.92)], false));
        }

        var path = _fitter.Fit(samples, 10);

        Assert.Equal("face", path.Method);
        var k = Assert.Single(path.Keyframes);
        double centre = k.X + Window / 2.0;
        Assert.True(Math.Abs(centre - 500) < 30 || Math.Abs(centre - 1100) < 30, $"window centre {centre}");
        Assert.DoesNotContain("jumping", path.Reason);
    }

    [Fact]
    public void TurnsToTheRemainingPersonWhenTheSubjectLeaves()
    {
        // A large face for 6 s, a smaller one throughout (the large one weighs more: 30 sightings x 300 px against
        // 60 x 120 px); after it leaves, the window moves over to the other.
        var samples = new List<Sample>();
        for (int i = 0; i < 60; i++)
        {
            var faces = new List<Face>();
            if (i < 30)
            {
                faces.Add(FaceAt(500, 400, 300, 0.9));
            }

            faces.Add(FaceAt(1400, 450, 120, 0.85));
            samples.Add(new Sample(i / 5.0, faces, false));
        }

        var path = _fitter.Fit(samples, 12);

        Assert.Equal("face", path.Method);
        Assert.InRange(TestVideos.At(path, 2.0).X + Window / 2.0, 470, 530);
        Assert.InRange(TestVideos.At(path, 11.9).X + Window / 2.0, 1400 - 0.1 * Window, 1400 + 0.1 * Window);
        AssertSpeedLimited(path);
    }

    [Fact]
    public void HoldsThePlaceThroughAFacelessCutawayAndJumpsAtTheNextCut()
    {
        var samples = new List<Sample>();
        for (int i = 0; i < 30; i++)
        {
            bool cut = i == 10 || i == 15;
            IReadOnlyList<Face> faces = i < 10 ? [FaceAt(400, 400, 200, 0.9)] : i < 15 ? [] : [FaceAt(1400, 400, 200, 0.9)];
            samples.Add(new Sample(i / 5.0, faces, cut));
        }

        var path = _fitter.Fit(samples, 6);

        Assert.Equal("face", path.Method);
        Assert.InRange(TestVideos.At(path, 2.5).X + Window / 2.0, 398, 402); // the cutaway keeps the window
        Assert.InRange(TestVideos.At(path, 3.0).X + Window / 2.0, 1398, 1402); // the next shot starts on its face
        Assert.Equal([0.0, 2.9], path.Keyframes.Select(k => k.T));
    }

    [Fact]
    public void GivesACentreCropWhenFacesAreTooRare()
    {
        var samples = new List<Sample>();
        for (int i = 0; i < 40; i++)
        {
            samples.Add(new Sample(i / 5.0, i < 3 ? [FaceAt(400, 400, 200, 0.9)] : [], false));
        }

        var path = _fitter.Fit(samples, 8);

        Assert.Equal("centre", path.Method);
        Assert.Equal("a face was found in only 3 of 40 sampled frames", path.Reason);
    }

    [Fact]
    public void JumpsWhenTheFaceJumpsAcrossTheFrameWithoutAColourCut()
    {
        // The same backdrop, the person reframed from x=400 to x=1400 between two samples: the colour detector saw
        // nothing, but no subject crosses half the frame in 0.2 s. The window must jump, not pan for 2 s.
        var samples = new List<Sample>();
        for (int i = 0; i < 30; i++)
        {
            samples.Add(new Sample(i / 5.0, [i < 15 ? FaceAt(400, 400, 200, 0.9) : FaceAt(1400, 420, 200, 0.9)], false));
        }

        var path = _fitter.Fit(samples, 6);

        Assert.Equal("face", path.Method);
        Assert.Equal([0.0, 2.9], path.Keyframes.Select(k => k.T));
        Assert.InRange(TestVideos.At(path, 2.8).X + Window / 2.0, 398, 402);
        Assert.InRange(TestVideos.At(path, 2.9).X + Window / 2.0, 1398, 1402);
        Assert.Contains("1 cut(s) found by the face jumping", path.Reason);
    }

    [Fact]
    public void NoJumpCutForASubjectWalkingFastOrASecondPersonArriving()
    {
        // One person walks from x=300 to x=1500 in 4 s (0.06 of the frame per sample, three times the window's
        // speed limit); a second person appears at x=1700 at 2 s while the first stays in view.
        var samples = new List<Sample>();
        for (int i = 0; i < 30; i++)
        {
            var faces = new List<Face> { FaceAt(Math.Min(1500, 300 + 60 * i), 400, 200, 0.9) };
            if (i >= 10)
            {
                faces.Add(FaceAt(1700, 400, 150, 0.85));
            }

            samples.Add(new Sample(i / 5.0, faces, false));
        }

        var cuts = _fitter.CutsBefore(samples, out int jumpCuts);

        Assert.Equal(0, jumpCuts);
        Assert.DoesNotContain(true, cuts);
    }

    [Fact]
    public void NoJumpCutForAStrayDetectionOrAFaceMissedForAMoment()
    {
        // A single false detection far away while the subject is missed for one sample, then the subject again.
        var samples = new List<Sample>();
        for (int i = 0; i < 30; i++)
        {
            IReadOnlyList<Face> faces = i == 12 ? [FaceAt(1600, 300, 180, 0.85)] : i == 13 ? [] : [FaceAt(500, 400, 200, 0.9)];
            samples.Add(new Sample(i / 5.0, faces, false));
        }

        var path = _fitter.Fit(samples, 6);

        Assert.DoesNotContain("jumping", path.Reason);
        var k = Assert.Single(path.Keyframes);
        Assert.InRange(k.X + Window / 2.0, 470, 530);
    }

    internal static Face FaceAt(double centreX, double centreY, double size, double score)
    {
        // A frontal layout, so the faces look like what the detector hands over.
        double l = centreX - size / 2, t = centreY - size / 2;
        FacePoint P(double fx, double fy) => new(l + fx * size, t + fy * size);
        return new Face(l, t, size, size, score, [P(0.3, 0.35), P(0.7, 0.35), P(0.5, 0.55), P(0.5, 0.75), P(0.08, 0.4), P(0.92, 0.4)]);
    }

    private static void AssertSpeedLimited(CropPath path)
    {
        var ks = path.Keyframes;
        for (int i = 1; i < ks.Count; i++)
        {
            double allowed = Options.MaxSpeed * path.Width * (ks[i].T - ks[i - 1].T) + 2;
            int step = Math.Abs(ks[i].X - ks[i - 1].X);
            Assert.True(step <= allowed, $"moved {step} px between {ks[i - 1]} and {ks[i]}");
        }
    }
}
