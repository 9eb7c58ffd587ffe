using Clipper.Core.Errors;
using Clipper.Host.Hosting;
using Microsoft.Extensions.Configuration;

namespace Clipper.Cli.Tests;

/// <summary>The cluster profile's ids as the host reads them from its environment.</summary>
[Trait("Category", "unit")]
public sealed class ClusterProfileTests
{
    private static readonly Dictionary<string, string> Services = new()
    {
        ["CLIPPER_REDIS"] = "127.0.0.1:6379",
        ["CLIPPER_POSTGRES"] = "Host=127.0.0.1;Username=u;Password=p;Database=d",
        ["CLIPPER_BLOB"] = "UseDevelopmentStorage=true",
    };

    private static ClusterProfile? From(Dictionary<string, string> env) =>
        ClusterProfile.From(new ConfigurationBuilder().AddInMemoryCollection(EnvironmentAliases.Read(v => env.GetValueOrDefault(v))).Build());

    [Fact]
    public void TheServiceIdIsClipperUnlessSet()
    {
        var plain = From(Services);
        Assert.NotNull(plain);
        Assert.Equal(("clipper", "clipper"), (plain.ServiceId, plain.ClusterId));
        var set = From(new(Services) { ["CLIPPER_SERVICE_ID"] = " clipper-blue ", ["CLIPPER_CLUSTER_ID"] = "green" });
        Assert.NotNull(set);
        Assert.Equal(("clipper-blue", "green"), (set.ServiceId, set.ClusterId));
        Assert.StartsWith("cluster green (service clipper-blue): silo 127.0.0.1:11111", set.ToString());
    }

    [Fact]
    public void AServiceIdWithoutRedisIsRefused()
    {
        var e = Assert.Throws<ClipperException>(() => From(new() { ["CLIPPER_SERVICE_ID"] = "clipper-blue" }));
        Assert.Equal(Clipper.Core.Errors.ErrorCode.BadOption, e.Code);
        Assert.Equal("CLIPPER_SERVICE_ID belong to the cluster profile, which needs CLIPPER_REDIS (with CLIPPER_POSTGRES and CLIPPER_BLOB)", e.Message);
    }
}
