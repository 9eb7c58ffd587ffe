using System.Diagnostics;
using System.Globalization;
using System.Text;
using Clipper.Core.Clips;
using Clipper.Core.Processes;
using Clipper.Core.Samples;
using Clipper.Host.Hosting;
using Clipper.Samples;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Clipper.Host.Cli.Bench;

/// <summary>
/// <c>clipper bench fetch-overlap</c>: a link's audio fetched ahead of its video against the same job with it switched off
/// (<c>Clipper:Fetch:AudioFirst=false</c>). The four-minute sample talk (its picture encoded again at 2.5 Mbit/s, as a
/// site's 720p) is served on 127.0.0.1 as a page whose video is MPEG-DASH (video and audio apart, read by the real
/// yt-dlp), every byte through one shared bucket of
/// <see cref="BytesPerSecond"/>, so the video downloads in tens of seconds as from a real site. The two ways alternate,
/// each on a home of its own (no cached transcript), and the job's wall and the moment its transcript was ready are printed
/// with their ratios. Not part of the tests.
/// </summary>
public static class FetchOverlapBench
{
    private const long BytesPerSecond = 2L << 20;
    private const int Rounds = 2;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(BenchRun run)
    {
        var cancel = run.Cancel;
        var talk = await SampleCache.TalkAsync(run.Dir, "talk-4min", SampleVideo.Talk(4), Look.Hd, cancel: cancel);
        var dash = Path.Combine(run.Dir, "fetch-overlap", "dash-2500k");
        if (!File.Exists(Path.Combine(dash, "talk.mpd")))
        {
            // the sample's still photo compresses to almost nothing: the picture is encoded again at a site's 720p bitrate
            // (2.5 Mbit/s, padded to a constant rate), the sound kept, so the audio is the few percent of the bytes it is
            var tmp = dash + ".tmp";
            if (Directory.Exists(tmp))
            {
                Directory.Delete(tmp, true);
            }

            Directory.CreateDirectory(tmp);
            await ProcessRunner.RunCheckedAsync(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", talk.File, "-c:v", "libx264", "-preset", "veryfast",
                "-b:v", "2500k", "-minrate", "2500k", "-maxrate", "2500k", "-bufsize", "2500k", "-x264-params", "nal-hrd=cbr", "-g", "50",
                "-c:a", "copy", "-f", "dash", "-seg_duration", "2", "-use_template", "1", "-use_timeline", "1",
                "-adaptation_sets", "id=0,streams=v id=1,streams=a", Path.Combine(tmp, "talk.mpd")], TimeSpan.FromMinutes(30), cancel);
            Directory.Move(tmp, dash);
        }

        var files = Directory.GetFiles(dash).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        long audioBytes = files.Where(f => f.Key.Contains("stream1", StringComparison.Ordinal)).Sum(f => (long)f.Value.Length);
        long videoBytes = files.Where(f => f.Key.Contains("stream0", StringComparison.Ordinal)).Sum(f => (long)f.Value.Length);
        await using var site = await RateLimitedSite.StartAsync(files, BytesPerSecond);
        run.Stdout.WriteLine(string.Create(Inv,
            $"fetch-overlap: {talk.DurationSeconds:0} s talk as DASH on {site.PageUrl}: video {videoBytes / 1e6:0.0} MB, audio {audioBytes / 1e6:0.00} MB "
            + $"({100.0 * audioBytes / (audioBytes + videoBytes):0.0} % of the bytes), served at {BytesPerSecond / 1e6:0.0} MB/s in all"));

        var results = new List<(bool AudioFirst, double Wall, double Transcript)>();
        for (int round = 0; round < Rounds; round++)
        {
            foreach (var audioFirst in new[] { false, true })
            {
                var home = Path.Combine(run.Dir, "fetch-overlap", "run");
                var outDir = Path.Combine(run.Dir, "fetch-overlap", "out");
                foreach (var dir in new[] { home, outDir })
                {
                    if (Directory.Exists(dir))
                    {
                        Directory.Delete(dir, true);
                    }
                }

                var config = SiloHost.LoadConfiguration(new Dictionary<string, string?>
                {
                    ["Clipper:Home"] = home,
                    ["Clipper:Fetch:AllowPrivateAddresses"] = "true",
                    ["Clipper:Fetch:AudioFirst"] = audioFirst ? "true" : "false",
                });
                var clock = Stopwatch.StartNew();
                var o = await new ClipCommand(TextWriter.Null, run.Stderr, run.LogFile, run.Logs)
                    .RunAsync(config, new ClipArgs(site.PageUrl, outDir, new ClipOptions(3, 15, 40, 540, 960)), cancel);
                double wall = clock.Elapsed.TotalSeconds;
                if (o.ExitCode != 0 || o.View is not { } v)
                {
                    run.Stderr.WriteLine("bench: the job failed; no figures");
                    return o.ExitCode == 0 ? 1 : o.ExitCode;
                }

                // the transcript is ready when scoring starts
                double transcript = v.StageStartedAt.TryGetValue("scoring", out var scoring) ? (scoring - v.SubmittedAt).TotalSeconds : double.NaN;
                results.Add((audioFirst, wall, transcript));
                var how = v.AudioFirst switch
                {
                    { Audio: { } au } => string.Create(Inv, $" (audio ahead, {au.SizeBytes / 1e6:0.00} MB)"),
                    { Reason: { } reason } => $" ({reason})",
                    _ => "",
                };
                var mode = audioFirst ? "on " : "off";
                run.Stdout.WriteLine(string.Create(Inv,
                    $"  round {round + 1}, audio first {mode}: wall {wall,6:0.0} s, transcript ready at {transcript,6:0.0} s{how}"));
            }
        }

        double Mean(bool on, Func<(bool AudioFirst, double Wall, double Transcript), double> f) => results.Where(r => r.AudioFirst == on).Average(f);
        double offWall = Mean(false, r => r.Wall), onWall = Mean(true, r => r.Wall);
        double offText = Mean(false, r => r.Transcript), onText = Mean(true, r => r.Transcript);
        run.Stdout.WriteLine(string.Create(Inv,
            $"mean wall: off {offWall:0.0} s, on {onWall:0.0} s, on/off {onWall / offWall:0.00}; transcript ready: off {offText:0.0} s, "
            + $"on {onText:0.0} s, on/off {onText / offText:0.00}"));
        return 0;
    }

    /// <summary>
    /// A page with a DASH video and its files on 127.0.0.1 (Kestrel), every response's bytes drawn from one bucket of a set
    /// rate shared by all connections (a user's link to a site, not a rate per request).
    /// </summary>
    private sealed class RateLimitedSite : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly double rate;
        private readonly Lock gate = new();
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private double nextFree;

        private RateLimitedSite(WebApplication app, double bytesPerSecond)
        {
            this.app = app;
            rate = bytesPerSecond;
        }

        public string PageUrl => app.Urls.First() + "/watch/talk";

        public static async Task<RateLimitedSite> StartAsync(Dictionary<string, byte[]> files, double bytesPerSecond)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var site = new RateLimitedSite(app, bytesPerSecond);
            app.MapGet("/watch/talk", (HttpContext c) => site.SendAsync(c, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(
                "<!doctype html><html><head><title>A talk at a set rate</title></head><body><video controls src=\"/dash/talk.mpd\"></video></body></html>")));
            app.MapGet("/dash/{name}", (HttpContext c, string name) =>
            {
                if (!files.TryGetValue(name, out var body))
                {
                    c.Response.StatusCode = 404;
                    return Task.CompletedTask;
                }

                return site.SendAsync(c, name.EndsWith(".mpd", StringComparison.Ordinal) ? "application/dash+xml" : "video/iso.segment", body);
            });
            await app.StartAsync();
            return site;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        private async Task SendAsync(HttpContext c, string type, byte[] body)
        {
            c.Response.ContentType = type;
            c.Response.ContentLength = body.Length;
            for (int at = 0; at < body.Length; at += 32 << 10)
            {
                int n = Math.Min(32 << 10, body.Length - at);
                await TakeAsync(n, c.RequestAborted);
                await c.Response.Body.WriteAsync(body.AsMemory(at, n), c.RequestAborted);
            }
        }

        /// <summary>Waits until <paramref name="bytes"/> may go out at the shared rate.</summary>
        private Task TakeAsync(int bytes, CancellationToken cancel)
        {
            double now = clock.Elapsed.TotalSeconds, start;
            lock (gate)
            {
                start = Math.Max(now, nextFree);
                nextFree = start + bytes / rate;
            }

            return start > now ? Task.Delay(TimeSpan.FromSeconds(start - now), cancel) : Task.CompletedTask;
        }
    }
}

/// <summary>What a named benchmark is given: its directory, where to print, the log it may name and the silo's logs.</summary>
public sealed record BenchRun(string Dir, TextWriter Stdout, TextWriter Stderr, string LogFile, ILoggerProvider Logs,
    CancellationToken Cancel);
