using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Clipper.TestSupport;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Npgsql;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Helm.Tests;

/// <summary>
/// The silo image, run: scripts/build-image.sh builds it offline (its base cached by setup), podman starts it as the
/// chart's Deployment describes (its command, user, environment, a read-only root with /tmp and the home volume) on
/// local Redis, PostgreSQL and Azurite, and a job sent to its gRPC port gets clips. Podman that cannot run fails the
/// test, saying why.
/// </summary>
[Trait("Category", "external")]
[Trait("Category", "slow")]
[Trait("Category", "media")]
public sealed partial class SiloImageTests(SiloImageTests.Rig rig) : IClassFixture<SiloImageTests.Rig>
{
    [Fact]
    public async Task TheImageRunsTheChartsCommandAsUser10001()
    {
        var config = await rig.InspectAsync("{{json .Config}}");
        using var doc = JsonDocument.Parse(config);
        var root = doc.RootElement;
        Assert.Equal("10001", root.GetProperty("User").GetString());
        string[] entrypoint = [.. root.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()!),
            .. root.TryGetProperty("Cmd", out var cmd) && cmd.ValueKind == JsonValueKind.Array ? cmd.EnumerateArray().Select(e => e.GetString()!) : []];
        // the chart's container: command ["/app/clipper"], args ["serve"]
        Assert.Equal([.. rig.Chart.Silo.Command, .. rig.Chart.Silo.Args], entrypoint);

        // the running silo's processes: uid 10001 (podman top's "user" column is the uid as the container sees it)
        var top = await Podman.RunAsync(["top", rig.ContainerName, "huser", "comm"]);
        var silo = top.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Single(f => f.Length == 2 && f[1] == "clipper");
        Assert.Equal("10001", silo[0]);
    }

    [Fact]
    public async Task TheRootIsReadOnlyAndTheSiloWritesOnlyItsHomeAndTmp()
    {
        var root = await Podman.RunAsync(["exec", rig.ContainerName, "touch", "/app/written"], check: false);
        Assert.NotEqual(0, root.ExitCode);
        Assert.Contains("Read-only file system", root.Error);
        foreach (var writable in new[] { "/var/lib/clipper/probe", "/tmp/probe" })
        {
            var ok = await Podman.RunAsync(["exec", rig.ContainerName, "touch", writable], check: false);
            Assert.True(ok.ExitCode == 0, $"{writable}: {ok}");
        }

        // the silo's log went to its home (the volume), as CLIPPER_HOME says
        Assert.True(File.Exists(Path.Combine(rig.Home, "logs", "clipper.log")), $"no log under {rig.Home}: {string.Join(", ", Directory.GetFileSystemEntries(rig.Home))}");
    }

    [Fact]
    public async Task AJobSentToItsGrpcPortGetsClips()
    {
        // about 40 s of the sample talk: enough for one clip of 15-25 s, and half the short talk's transcription and tracking
        var source = await TestMedia.CachedTalkAsync("image-talk", Clipper.Samples.SampleVideo.Talk(0.65), new Clipper.Samples.Look(640, 360, 25, 140, 8));
        V1.Job submitted;
        await using (var stream = File.OpenRead(source.File))
        {
            submitted = await Clipper.Gateway.UploadClient.UploadAsync(rig.Client, stream, Path.GetFileName(source.File), stream.Length,
                new V1.ClipOptions { MaxClips = 1, MinSeconds = 15, MaxSeconds = 25, Width = 270, Height = 480 });
        }

        var clock = Stopwatch.StartNew();
        var job = await Wait.For(async () => await rig.Client.GetJobAsync(new V1.GetJobRequest { JobId = submitted.JobId }),
            j => j.State is not (V1.JobState.Submitted or V1.JobState.Running), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1));
        Assert.True(job.State == V1.JobState.Completed, $"the job ended {job.State}: {job.ErrorCode}: {job.ErrorMessage}\n{await rig.LogsAsync()}");
        Measurements.Record($"silo image: a 270x480 job of a {source.DurationSeconds:F0} s talk completed in {clock.Elapsed.TotalSeconds:F0} s inside the container");
        var clip = Assert.Single(job.Clips);
        var blob = rig.Services.Container.GetBlobClient(clip.Video.Blob);
        var props = await blob.GetPropertiesAsync();
        Assert.True(props.Value.ContentLength > 10_000, $"{clip.Video.Blob} is {props.Value.ContentLength} bytes");
    }

    /// <summary>The image built, the services started and the container ready: once for the class.</summary>
    public sealed class Rig : IAsyncLifetime
    {
        private const string ApiKey = "image-test-key";

        public string ContainerName { get; } = $"clipper-image-test-{Guid.NewGuid().ToString("N")[..8]}";

        public Services Services { get; private set; } = null!;

        public RenderedChart Chart { get; private set; } = null!;

        public string Home { get; } = TestMedia.TempDir("clipper-image-home");

        public V1.Clipper.ClipperClient Client { get; private set; } = null!;

        private GrpcChannel? _channel;
        private string _image = "";
        private string _work = "";
        private bool _started;

        public async ValueTask InitializeAsync()
        {
            // podman first: if it cannot run here, say so before anything slow
            var version = await Podman.RunAsync(["version", "--format", "{{.Client.Version}}"], check: false);
            Assert.True(version.ExitCode == 0, $"podman cannot run here (scripts/setup.sh --tests installs it): {version}");

            _work = TestMedia.TempDir("clipper-image");
            var (image, timings) = await BuildAsync(_work);
            _image = image;

            Services = await Services.StartAsync();
            int grpc = Ports.Free(), web = Ports.Free(), silo = Ports.Free(), gateway = Ports.Free();
            // the chart's environment; its ports moved to free ones, since the container shares this machine's network
            Chart = await HelmTool.RenderAsync(("ports.grpc", $"{grpc}"), ("ports.web", $"{web}"), ("ports.silo", $"{silo}"),
                ("ports.gateway", $"{gateway}"), ("service.grpcPort", $"{grpc}"), ("service.webPort", $"{web}"));
            var env = Chart.Environment($"clip-clipper-{ContainerName[^8..]}", "127.0.0.1", new Dictionary<string, string>
            {
                ["redis"] = Services.Redis.ConnectionString,
                ["postgres"] = Services.Postgres,
                ["blob"] = Services.Azurite.ConnectionString,
                ["api-keys"] = ApiKey,
            });
            var envFile = Path.Combine(_work, "env");
            await File.WriteAllLinesAsync(envFile, env.Select(e => $"{e.Key}={e.Value}"));

            // the home volume belongs to the pod's user (the chart's fsGroup does this in a pod)
            Chown(Home, 10001);

            var tmpMi = Chart.Pod.Volumes.Single(v => v.Name == "tmp").EmptyDir.SizeLimit.ToString();
            var started = Stopwatch.StartNew();
            // removed at the end even when podman created it but could not start it
            _started = true;
            var run = await Podman.RunAsync([
                "run", "--detach", "--name", ContainerName, "--network", "host",
                // explicit limits (podman's defaults fail in this sandbox), no higher than this process's own hard limits
                "--ulimit", $"nofile={HardLimit("Max open files", 65536)}", "--ulimit", $"nproc={HardLimit("Max processes", 16384)}",
                "--read-only", "--tmpfs", $"/tmp:rw,exec,size={tmpMi.Replace("Mi", "m", StringComparison.Ordinal)}",
                "--volume", $"{Home}:{Chart.Silo.VolumeMounts.Single(m => m.Name == "work").MountPath}",
                "--env-file", envFile,
                "--entrypoint", JsonSerializer.Serialize(Chart.Silo.Command),
                _image, .. Chart.Silo.Args]);
            Assert.True(run.ExitCode == 0, $"podman could not start the image: {run}");

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{web}"), Timeout = TimeSpan.FromSeconds(10) };
            var readiness = Chart.Silo.ReadinessProbe.HttpGet.Path;
            await Wait.Until(async () => await AnswersAsync(http, readiness), TimeSpan.FromSeconds(120),
                () => $"{ContainerName} never answered {readiness}:\n{LogsAsync().GetAwaiter().GetResult()}");
            var ready = started.Elapsed;

            _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpc}");
            Client = new V1.Clipper.ClipperClient(_channel.Intercept(m =>
            {
                m.Add(Clipper.Gateway.Access.Header, ApiKey);
                return m;
            }));

            var size = await InspectAsync("{{.Size}}");
            Measurements.Record(string.Create(CultureInfo.InvariantCulture,
                $"silo image: {timings.Base} (cold build {timings.ColdBase}), app layer {timings.App}, whole script {timings.Total:F0} s; " +
                $"{long.Parse(size.Trim(), CultureInfo.InvariantCulture) / 1_000_000} MB unpacked, {timings.Archive}; podman start to {readiness} {ready.TotalSeconds:F1} s"));
        }

        public async Task<string> InspectAsync(string format) =>
            (await Podman.RunAsync(["image", "inspect", "--format", format, _image])).Output;

        public async Task<string> LogsAsync()
        {
            var logs = await Podman.RunAsync(["logs", "--tail", "60", ContainerName], check: false);
            var file = Path.Combine(Home, "logs", "clipper.log");
            var tail = File.Exists(file) ? string.Join('\n', (await File.ReadAllLinesAsync(file)).TakeLast(60)) : "(no log file)";
            return $"container output:\n{logs.Output}{logs.Error}\nclipper.log:\n{tail}";
        }

        public async ValueTask DisposeAsync()
        {
            _channel?.Dispose();
            if (_started)
            {
                await Podman.RunAsync(["rm", "--force", "--time", "5", ContainerName], check: false);
            }

            if (Services is not null)
            {
                await Services.DisposeAsync();
            }

            // the base layer stays in podman's store (the next run's image shares it); older test images go
            await Podman.RunAsync(["image", "prune", "--force"], check: false);
            foreach (var dir in new[] { _work, Home }.Where(d => d != "" && Directory.Exists(d)))
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        private sealed record Timings(string Base, string ColdBase, string App, string Archive, double Total);

        /// <summary>Runs scripts/build-image.sh (the base comes from its cache) and loads the archive into podman.</summary>
        private static async Task<(string Image, Timings Timings)> BuildAsync(string work)
        {
            var archive = Path.Combine(work, "clipper-test.oci.tar");
            var clock = Stopwatch.StartNew();
            var build = await Command.RunAsync(Path.Combine(RepoRoot.Dir, "scripts", "build-image.sh"),
                ["--tag", "image-test", "--out", archive], TimeSpan.FromMinutes(15),
                new Dictionary<string, string> { ["CLIPPER_IMAGE_REGISTRY_PORT"] = $"{Ports.Free()}" });
            var total = clock.Elapsed.TotalSeconds;
            Assert.True(build.ExitCode == 0, $"scripts/build-image.sh failed: {build}");
            Assert.True(File.Exists(archive), $"no archive at {archive}: {build}");
            // the script's own figures: how the base was had, the app layer's time, the archive
            var basePart = BaseLine().Match(build.Error) is { Success: true } b ? $"base {b.Groups[1].Value}{b.Groups[2].Value}" : throw new InvalidOperationException($"no base line: {build}");
            var app = AppLine().Match(build.Error) is { Success: true } a ? a.Groups[1].Value : throw new InvalidOperationException($"no app line: {build}");
            var image = ImageLine().Match(build.Error) is { Success: true } i ? i.Groups[1].Value : throw new InvalidOperationException($"no image line: {build}");
            Assert.Contains("skopeo copy oci-archive:", build.Error);
            var cold = ColdLine().Match(build.Error) is { Success: true } c ? c.Groups[1].Value : "not recorded";

            clock.Restart();
            var load = await Podman.RunAsync(["load", "--input", archive]);
            Console.WriteLine($"podman load: {clock.Elapsed.TotalSeconds:F0} s");
            var loaded = LoadedLine().Match(load.Output + load.Error);
            Assert.True(loaded.Success, $"podman load named no image: {load}");
            return (loaded.Groups[1].Value.Trim(), new Timings(basePart, cold, app, image, total));
        }

        /// <summary>"N:N", N being <paramref name="wanted"/> or this process's hard limit when that is lower (/proc/self/limits).</summary>
        private static string HardLimit(string name, long wanted)
        {
            var line = File.ReadAllLines("/proc/self/limits").Single(l => l.StartsWith(name, StringComparison.Ordinal));
            var hard = line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            var n = hard == "unlimited" ? wanted : Math.Min(wanted, long.Parse(hard, CultureInfo.InvariantCulture));
            return $"{n}:{n}";
        }

        private static void Chown(string path, int uid)
        {
            var result = Command.RunAsync("chown", [$"{uid}:{uid}", path], TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            Assert.True(result.ExitCode == 0, $"chown {path}: {result}");
        }

        private static async Task<bool> AnswersAsync(HttpClient http, string path)
        {
            try
            {
                return (await http.GetAsync(path)).IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }
    }

    /// <summary>Local Redis, Azurite and a fresh PostgreSQL database (the test role scripts/setup.sh --tests creates).</summary>
    public sealed class Services : IAsyncDisposable
    {
        private const string Admin = "Host=127.0.0.1;Port=5432;Username=clipper_test;Password=clipper_test;Database=postgres";

        private Services(RedisServer redis, AzuriteServer azurite, string database)
        {
            Redis = redis;
            Azurite = azurite;
            Database = database;
        }

        public RedisServer Redis { get; }

        public AzuriteServer Azurite { get; }

        public string Database { get; }

        public string Postgres => $"Host=127.0.0.1;Port=5432;Username=clipper_test;Password=clipper_test;Database={Database}";

        /// <summary>The chart's default blob container (config.blobContainer).</summary>
        public BlobContainerClient Container => new BlobServiceClient(Azurite.ConnectionString).GetBlobContainerClient("clipper");

        public static async Task<Services> StartAsync()
        {
            var database = $"clipper_image_{Guid.NewGuid().ToString("N")[..8]}";
            await using (var admin = new NpgsqlConnection(Admin))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
                await create.ExecuteNonQueryAsync();
            }

            return new Services(await RedisServer.StartAsync(), await AzuriteServer.StartAsync(), database);
        }

        public async ValueTask DisposeAsync()
        {
            await Redis.DisposeAsync();
            await Azurite.DisposeAsync();
            await using var admin = new NpgsqlConnection(Admin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Podman as this sandbox runs it: runc (crun fails here) and cgroupfs (no systemd).</summary>
    private static class Podman
    {
        public static Task<Command.Result> RunAsync(IReadOnlyList<string> args, bool check = true) =>
            Command.RunAsync("podman", ["--cgroup-manager", "cgroupfs", "--runtime", "runc", .. args], TimeSpan.FromMinutes(5), check: check);
    }

    [GeneratedRegex(@"\[image\] base (?:cached: \S+ \((found in \d+ s)\)|(built in \d+ s))")]
    private static partial Regex BaseLine();

    [GeneratedRegex(@"\[image\] app layer published in (\d+ s)")]
    private static partial Regex AppLine();

    [GeneratedRegex(@"\[image\] image clipper:\S+: \S+ \(([^)]*)\)")]
    private static partial Regex ImageLine();

    [GeneratedRegex(@"\[image\] the cached base took (\d+ s) to build")]
    private static partial Regex ColdLine();

    [GeneratedRegex(@"Loaded image(?:\(s\))?: *(\S+)")]
    private static partial Regex LoadedLine();
}
