using System.Text.RegularExpressions;
using Clipper.Core.Configuration;
using Clipper.Gateway;
using Clipper.Host.Hosting;

namespace Clipper.Cli.Tests;

/// <summary>The host's environment aliases (one table, documented in the README) and the gateway's option checks.</summary>
[Trait("Category", "unit")]
public sealed partial class ConfigurationTableTests
{
    [Fact]
    public void TheReadmeListsExactlyTheAliasesTheHostReads()
    {
        var readme = File.ReadAllText(Readme());
        var section = readme[readme.IndexOf("## Configuration", StringComparison.Ordinal)..readme.IndexOf("## Architecture", StringComparison.Ordinal)];
        var documented = Row().Matches(section).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        Assert.Equal(EnvironmentAliases.All.Select(a => (a.Variable, a.Key)), documented);
    }

    [Fact]
    public void AliasesBecomeTheirKeys()
    {
        var env = new Dictionary<string, string>
        {
            ["CLIPPER_HOME"] = " /srv/clipper ",
            ["CLIPPER_API_KEYS"] = "k1, k2,,",
            ["CLIPPER_POSTGRES"] = "Host=db",
            ["CLIPPER_SILO_PORT"] = "",
        };
        var map = EnvironmentAliases.Read(v => env.GetValueOrDefault(v));
        Assert.Equal(new Dictionary<string, string?>
        {
            ["Clipper:Home"] = "/srv/clipper",
            ["Clipper:Gateway:ApiKeys:0"] = "k1",
            ["Clipper:Gateway:ApiKeys:1"] = "k2",
            ["Clipper:Storage:Provider"] = "postgres",
            ["Clipper:Storage:PostgresConnectionString"] = "Host=db",
        }, map);
        Assert.Equal("CLIPPER_SILO_PORT", EnvironmentAliases.Name("Clipper:Cluster:SiloPort"));
        Assert.Equal("Clipper:Job:MaxAttempts", EnvironmentAliases.Name("Clipper:Job:MaxAttempts"));
    }

    [Fact]
    public void GatewayOptionsNameEachBadKey()
    {
        var checks = new OptionChecks(GatewayOptions.Section);
        new GatewayOptions { Grpc = "7070", WatchRenewal = TimeSpan.Zero, PublicWebUrl = "ftp://x", ApiKeys = [" "] }.Check(checks);
        Assert.Equal(
        [
            "Clipper:Gateway:Grpc must be HOST:PORT (HOST an IP address, localhost or *), got \"7070\"",
            "Clipper:Gateway:ApiKeys must not hold an empty key",
            "Clipper:Gateway:WatchRenewal must be a positive time span (hh:mm:ss), got 00:00:00",
            "Clipper:Gateway:PublicWebUrl must be an absolute http(s) URL, got \"ftp://x\"",
        ], checks.Problems);
        var defaults = new OptionChecks(GatewayOptions.Section);
        new GatewayOptions().Check(defaults);
        Assert.Empty(defaults.Problems);
    }

    private static string Readme()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "README.md");
            if (File.Exists(candidate) && Directory.Exists(Path.Combine(dir.FullName, "silo-host")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("README.md not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A row of the configuration table: | `CLIPPER_X` | `Clipper:Key` | …</summary>
    [GeneratedRegex(@"^\| `(CLIPPER_[A-Z_]+)` \| `(Clipper:[A-Za-z:]+)` \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}
