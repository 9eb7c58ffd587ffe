using System.Runtime.CompilerServices;
using Clipper.Abstractions.Jobs;
using Clipper.Core.Errors;
using Clipper.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using ErrorCode = Clipper.Core.Errors.ErrorCode;

namespace Clipper.Grains.Tests;

/// <summary>
/// A <see cref="ClipperException"/> thrown in a grain reaches its caller as a ClipperException with its code,
/// message, detail, transient flag and stack, through Orleans' real serializer and a real cluster.
/// </summary>
public sealed class ErrorTransportTests
{
    private static readonly ServiceProvider Services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    [Fact]
    [Trait("Category", "unit")]
    public void EveryFieldSurvivesTheSerializerAsTheSameType()
    {
        var sent = new ClipperException(ErrorCode.DownloadFailed, "the server answered 404", "HTTP/1.1 404 Not Found", new IOException("not carried"))
        {
            PermanentOverride = true,
        };
        var thrown = Thrown(sent);

        // grain responses carry the exception in a field typed Exception: the runtime type must come back
        var serializer = Services.GetRequiredService<Serializer>();
        var back = Assert.IsType<ClipperException>(serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(thrown)));

        Assert.Equal(ErrorCode.DownloadFailed, back.Code);
        Assert.Equal("the server answered 404", back.Message);
        Assert.Equal("HTTP/1.1 404 Not Found", back.Detail);
        Assert.True(back.PermanentOverride);
        Assert.False(back.IsTransient);
        Assert.Null(back.InnerException);
        Assert.Contains(nameof(Thrown), back.StackTrace);
    }

    [Fact]
    [Trait("Category", "cluster")]
    public async Task GrainsThrowTheirCodesToClientsAndToOtherSilos()
    {
        var home = TestMedia.TempDir("error-transport");
        await using (var cluster = await JobCluster.StartAsync(2, home))
        {
            // a bad option refused by the job grain, before any work starts
            var job = cluster.Grains.GetGrain<IVideoJobGrain>(Jobs.NewId("bad-option"));
            var refused = await Assert.ThrowsAsync<ClipperException>(() => job.Submit(new JobSpec("/no/such/talk.mp4", Jobs.Small with { MaxClips = 0 })));
            Assert.Equal(ErrorCode.BadOption, refused.Code);
            Assert.Contains("--clips", refused.Message);
            Assert.Contains(nameof(Clipper.Grains.Jobs.VideoJobGrain), refused.StackTrace);

            // the job list's grain lives on one silo: asked from each silo, one call is local and one crosses silos
            foreach (var silo in cluster.Cluster.Silos)
            {
                var grains = cluster.Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<IGrainFactory>();
                var bad = await Assert.ThrowsAsync<ClipperException>(() => grains.GetGrain<IJobIndexGrain>(0).List(10, "garbage", []));
                Assert.Equal(ErrorCode.BadOption, bad.Code);
                Assert.Equal("page token garbage is not one this server gave", bad.Message);
            }
        }

        Directory.Delete(home, true);
    }

    /// <summary>The exception as it is once thrown, with a stack trace.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ClipperException Thrown(ClipperException e)
    {
        try
        {
            throw e;
        }
        catch (ClipperException caught)
        {
            return caught;
        }
    }
}
