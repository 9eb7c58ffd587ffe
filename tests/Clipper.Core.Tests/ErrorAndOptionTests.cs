using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Errors;

namespace Clipper.Core.Tests;

[Trait("Category", "unit")]
public sealed class ErrorAndOptionTests
{
    [Fact]
    public void EveryCodeHasAStableWireNameThatRoundTrips()
    {
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            Assert.Matches("^[a-z_]+$", code.Code());
            Assert.Equal(code, ErrorCodes.FromCode(code.Code()));
        }

        Assert.Equal("not_a_video", ErrorCode.NotAVideo.Code());
        // the gateway's answers for an unknown job and a missing key are codes like the others
        Assert.Equal("job_not_found", ErrorCode.JobNotFound.Code());
        Assert.Equal("unauthenticated", ErrorCode.Unauthenticated.Code());
        // a site's refusals, as the platform-links contract names them
        Assert.Equal(["video_unavailable", "sign_in_required", "live_not_supported", "source_too_long"],
            new[] { ErrorCode.VideoUnavailable, ErrorCode.SignInRequired, ErrorCode.LiveNotSupported, ErrorCode.SourceTooLong }.Select(c => c.Code()));
        Assert.Equal(ErrorCode.Internal, ErrorCodes.FromCode("no_such_code"));
    }

    [Fact]
    public void OnlyNetworkToolStorageTimeoutAndUnreachableServiceFailuresAreRetried()
    {
        var transient = Enum.GetValues<ErrorCode>().Where(c => c.IsTransient()).ToHashSet();
        Assert.Equal([ErrorCode.DownloadFailed, ErrorCode.ToolFailed, ErrorCode.StorageFailed, ErrorCode.StageTimeout, ErrorCode.ServiceUnreachable],
            transient.Order());
        Assert.False(new ClipperException(ErrorCode.DownloadFailed, "404") { PermanentOverride = true }.IsTransient);
    }

    [Theory]
    [InlineData(0, 15, 90, "--clips")]
    [InlineData(51, 15, 90, "--clips")]
    [InlineData(5, 2, 90, "--min")]
    [InlineData(5, 15, 601, "--max")]
    [InlineData(5, 40, 20, "must not be below")]
    [InlineData(5, double.NaN, 20, "--min")]
    public void BadOptionsNameTheOption(int clips, double min, double max, string expected)
    {
        var e = Assert.Throws<ClipperException>(() => new ClipOptions(clips, min, max, 1080, 1920).Validate());
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void OddOutputSizeIsRefused()
    {
        var e = Assert.Throws<ClipperException>(() => (ClipOptions.Defaults with { Width = 1081 }).Validate());
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Same(ClipOptions.Defaults, ClipOptions.Defaults.Validate());
    }

    [Theory]
    [InlineData(1920, 1080, 1080, 1920, 608, 1080)]
    [InlineData(1280, 720, 1080, 1920, 404, 720)]
    [InlineData(720, 1280, 1080, 1920, 720, 1280)]
    [InlineData(1080, 1920, 1080, 1080, 1080, 1080)]
    public void CropIsTheLargestEvenWindowOfTheOutputAspect(int sw, int sh, int ow, int oh, int w, int h)
    {
        Assert.Equal((w, h), CropPath.CropSize(sw, sh, ow, oh));
        var centre = CropPath.Centre(sw, sh, ow, oh, "no face");
        Assert.Equal("centre", centre.Method);
        Assert.Equal((sw - w) / 2, centre.Keyframes.Single().X);
    }
}
