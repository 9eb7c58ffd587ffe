using Clipper.Gateway.V1;
using Clipper.TestSupport;
using Microsoft.Playwright;

namespace Clipper.Gateway.Tests;

/// <summary>
/// The pages in a real headless Chromium (Debian's, driven by Playwright): /jobs, open before the job is submitted,
/// shows it appear and its percent advance as pushed (one event stream, no polling), /jobs/{id} plays a clip, /dashboard lists the silo and the job grain. Screenshots go to
/// TestResults/screenshots beside the repository.
/// </summary>
[Trait("Category", "browser")]
[Trait("Category", "cluster")]
[Trait("Category", "media")]
public sealed class BrowserTests(ITestOutputHelper output)
{
    internal const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task JobsPageJobPageAndDashboardInARealBrowser()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/setup.sh --tests");
        var talk = await TestMedia.ShortTalkAsync();
        await using var server = await GatewayServer.StartAsync();
        var shots = Screenshots();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });

        // the list page is open before the job exists: the job appears and advances on it with no request after the
        // page's one event stream
        var asked = new List<string>();
        page.Request += (_, r) =>
        {
            lock (asked)
            {
                asked.Add(new Uri(r.Url).AbsolutePath);
            }
        };
        await page.GotoAsync($"{server.WebBase}/jobs");
        await page.Locator("#summary").GetByText("0 jobs").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        // the head figures before any job: one silo up, nothing completed, no average yet
        await Wait.Until(async () => await Figure(page, "silos") == "1", TimeSpan.FromSeconds(30), () => "(no silo shown up on /jobs)");
        Assert.Equal(("0", "–"), (await Figure(page, "completed"), await Figure(page, "average")));
        var job = await server.UploadAsync(talk.File, new ClipOptions { MaxClips = 2 });
        var row = page.Locator($"tr[data-job='{job.JobId}']");
        await row.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        // the percent shown advances while the job runs
        var seen = new List<double>();
        await Wait.Until(
            async () =>
            {
                seen.Add(double.Parse(await row.Locator(".percent").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture));
                return seen[^1] > seen[0];
            },
            TimeSpan.FromMinutes(5),
            () => "(the percent on /jobs did not advance: " + string.Join(", ", seen.Distinct()) + ")");

        output.WriteLine("percent seen on /jobs: " + string.Join(", ", seen.Distinct()));
        // the head figures move with the work: a unit shown running while the job runs (pushed, no request)
        var running = new List<string>();
        await Wait.Until(
            async () =>
            {
                running.Add(string.Join(" ", await page.Locator("#stages td.running").AllInnerTextsAsync()));
                return running[^1].Split(' ').Any(n => n != "0");
            },
            TimeSpan.FromMinutes(5),
            () => "(no unit shown running on /jobs: " + string.Join(" | ", running.Distinct()) + ")");
        output.WriteLine("running per stage seen on /jobs: " + string.Join(" | ", running.Distinct()));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "jobs-running.png"), FullPage = true });

        await server.WatchAllAsync(job.JobId, TimeSpan.FromMinutes(8));
        await page.Locator($"tr[data-job='{job.JobId}'][data-state='COMPLETED']").WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        // the head figures, pushed on the same stream, come to what /metrics says once the job is done
        var metrics = PrometheusText.Parse(await server.Web.GetStringAsync("/metrics"));
        var expected = new List<(string What, string Value)>
        {
            ("silos", F(metrics["clipper_silos_active"])),
            ("completed", F(metrics["clipper_job_duration_seconds_count{state=\"completed\"}"])),
            ("failed", F(metrics.Where(m => m.Key.StartsWith("clipper_job_failures_total", StringComparison.Ordinal)).Sum(m => m.Value))),
        };
        foreach (var stage in new[] { "fetchaudio", "fetch", "split", "transcribe", "score", "track", "encode" })
        {
            expected.Add(($"{stage} queued", F(metrics[$"clipper_stage_queued{{stage=\"{stage}\"}}"])));
            expected.Add(($"{stage} running", F(metrics[$"clipper_stage_running{{stage=\"{stage}\"}}"])));
        }

        var shown = new List<(string, string)>();
        await Wait.Until(
            async () =>
            {
                shown.Clear();
                foreach (var (what, _) in expected)
                {
                    shown.Add((what, what.Split(' ') is [var stage, var column] ? await page.Locator($"tr[data-stage='{stage}'] td.{column}").InnerTextAsync()
                        : await Figure(page, what)));
                }

                return shown.SequenceEqual(expected);
            },
            TimeSpan.FromSeconds(20),
            () => $"(the /jobs figures {string.Join(", ", shown)} did not come to /metrics' {string.Join(", ", expected)})");
        Assert.Equal("1", await Figure(page, "completed"));
        double average = double.Parse(await page.Locator("[data-figure='average']").GetAttributeAsync("data-value") ?? "",
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(metrics["clipper_job_duration_seconds_sum{state=\"completed\"}"] / metrics["clipper_job_duration_seconds_count{state=\"completed\"}"], average, 9);
        Assert.Matches(@"^\d+\.\d s$", await Figure(page, "average"));
        var p95 = await Figure(page, "p95");
        Assert.Matches(@"^\d+\.\d s$", p95);
        output.WriteLine($"/jobs figures after the job: {string.Join(", ", shown)}, p50 {await Figure(page, "p50")}, p95 {p95}");
        lock (asked)
        {
            output.WriteLine("requests of /jobs: " + string.Join(", ", asked));
            Assert.Equal(["/api/jobs/events"], asked.Where(a => a.StartsWith("/api/", StringComparison.Ordinal)));
        }


        await page.GotoAsync($"{server.WebBase}/jobs/{job.JobId}");
        var video = page.Locator("video").First;
        await video.WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        // HAVE_ENOUGH_DATA or at least HAVE_FUTURE_DATA: the browser can play it
        await page.WaitForFunctionAsync("() => { const v = document.querySelector('video'); return v && v.readyState >= 3 && v.duration > 10; }",
            null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        double duration = await video.EvaluateAsync<double>("v => v.duration");
        int width = await video.EvaluateAsync<int>("v => v.videoWidth");
        int height = await video.EvaluateAsync<int>("v => v.videoHeight");
        output.WriteLine($"clip plays in Chromium: {width}x{height}, {duration:0.0} s");
        Assert.Equal((1080, 1920), (width, height));
        Assert.Contains("Stages", await page.ContentAsync());
        Assert.True(await page.Locator("#timeline tr").CountAsync() >= 6, "the stage timeline is short");
        // the cost table: a row per stage (six, split included), with its CPU seconds, and the total
        Assert.Equal(7, await page.Locator("#cost tr").CountAsync());
        var encodeCpu = await page.Locator("#cost tr[data-line='encode'] td.cpu").InnerTextAsync();
        Assert.Matches(@"^\d+\.\d\d s CPU", encodeCpu);
        Assert.True(double.Parse(encodeCpu.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) > 0, encodeCpu);
        Assert.StartsWith("prices: cpu:", await page.Locator("#prices").InnerTextAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "job-completed.png"), FullPage = true });

        await page.GotoAsync($"{server.WebBase}/dashboard/#/silos");
        await page.GetByText("Active").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "dashboard-silos.png"), FullPage = true });
        await page.GotoAsync($"{server.WebBase}/dashboard/#/grains");
        await page.Locator("td[title*='VideoJobGrain']").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "dashboard-grains.png"), FullPage = true });
        Measurements.Record($"browser (Chromium {browser.Version}): /jobs percent advanced {seen[0]:0.#}→{seen[^1]:0.#}; clip played {width}x{height} {duration:0.0} s; dashboard listed the silo and VideoJobGrain; screenshots in {shots}");
    }

    private static Task<string> Figure(IPage page, string name) => page.Locator($"[data-figure='{name}']").InnerTextAsync();

    private static string F(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Screenshots()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Clipper.sln")))
        {
            dir = dir.Parent;
        }

        var shots = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "TestResults", "screenshots");
        Directory.CreateDirectory(shots);
        return shots;
    }
}
