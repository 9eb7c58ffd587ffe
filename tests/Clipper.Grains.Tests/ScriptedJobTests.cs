using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Webhooks;
using Clipper.Abstractions.Work;
using Clipper.Grains.Stages;
using Clipper.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.Storage;

namespace Clipper.Grains.Tests;

/// <summary>
/// One silo whose grains run on a fake clock (grain timers and the job's own reading of time), with stage work the
/// test scripts: when each unit of the job's graph starts, backs off and runs again.
/// </summary>
[Trait("Category", "cluster")]
public sealed class ScriptedJobTests : IAsyncLifetime
{
    private static readonly TimeSpan RealWait = TimeSpan.FromSeconds(20);
    private readonly string _home = TestMedia.TempDir("timing-home");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly ScriptedRunner _runner = new();
    private JobCluster _cluster = null!;

    public async ValueTask InitializeAsync() =>
        _cluster = await JobCluster.StartAsync(1, _home, settings: new Dictionary<string, string?>
        {
            ["Clipper:Job:RetryBase"] = "00:00:10",
            ["Clipper:Job:RetryJitter"] = "0",
            // only the retry timer may wake the job within the test: liveness checks and reminders are far off
            ["Clipper:Job:WatchInterval"] = "01:00:00",
            ["Clipper:Job:ReminderPeriod"] = "01:00:00",
        }, configure: silo =>
        {
            silo.Services.AddSingleton<IStageRunner>(_runner);
            silo.Services.AddSingleton<TimeProvider>(_clock);
            // the grains' clock is fake; Orleans' own background loops (membership, messaging, reminders) stay on real time
            silo.Services.AddKeyedSingleton<TimeProvider>(KeyedService.AnyKey, (_, _) => TimeProvider.System);
            silo.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Grains, (_, _) => _clock);
        });

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_home, true);
    }

    [Fact]
    public async Task EachUnitBackingOffRunsAgainAtItsOwnTime()
    {
        var id = await SubmitAsync("backoff");
        await StartsAsync(id, 1, WorkId.Track(1), WorkId.Track(2), WorkId.Track(3));

        // three track units fail 3 s apart: with a 10 s backoff each may run again at t+10, t+13 and t+16
        _runner.Fail(id, WorkId.Track(1));
        await AttemptsAsync(id, "track-1", 1);
        _clock.Advance(TimeSpan.FromSeconds(3));
        _runner.Fail(id, WorkId.Track(2));
        await AttemptsAsync(id, "track-2", 1);
        _clock.Advance(TimeSpan.FromSeconds(3));
        _runner.Fail(id, WorkId.Track(3));
        await AttemptsAsync(id, "track-3", 1);

        _clock.Advance(TimeSpan.FromSeconds(3.9));
        Assert.Equal([1, 1, 1], Starts(id));

        _clock.Advance(TimeSpan.FromSeconds(0.2));
        await StartsAsync(id, 2, WorkId.Track(1));
        Assert.Equal([2, 1, 1], Starts(id));

        _clock.Advance(TimeSpan.FromSeconds(3));
        await StartsAsync(id, 2, WorkId.Track(2));
        Assert.Equal([2, 2, 1], Starts(id));

        _clock.Advance(TimeSpan.FromSeconds(3));
        await StartsAsync(id, 2, WorkId.Track(3));
        Assert.Equal([2, 2, 2], Starts(id));

        foreach (var i in new[] { 1, 2, 3 })
        {
            _runner.Track(id, WorkId.Track(i));
        }

        var v = await _cluster.WaitAsync(id, v => v.Status.IsTerminal(), RealWait);
        Assert.Equal(JobStatus.Completed, v.Status);
        Assert.Equal(new Dictionary<string, int> { ["track-1"] = 1, ["track-2"] = 1, ["track-3"] = 1 }, v.Attempts);
        Assert.Equal(3, v.Encoded.Count);
    }

    [Fact]
    public async Task AClipEncodesAsSoonAsItsOwnTrackLands()
    {
        var id = await SubmitAsync("overlap");
        await StartsAsync(id, 1, WorkId.Track(1), WorkId.Track(2), WorkId.Track(3));

        _runner.Track(id, WorkId.Track(2));
        var v = await _cluster.WaitAsync(id, v => v.Encoded.ContainsKey(2), RealWait);

        // clip 2 is encoded while clips 1 and 3 are still being tracked, and the job says it is tracking
        Assert.Equal(JobStatus.Tracking, v.Status);
        Assert.Equal([2], v.Tracked.Keys);
        Assert.Equal(0, _runner.Starts(id, WorkId.Encode(1)) + _runner.Starts(id, WorkId.Encode(3)));
        // fetch, split, transcribe and score (5 + 2 + 23 + 2) plus a third of tracking (18) and of encoding (50)
        Assert.Equal(32 + 18.0 / 3 + 50.0 / 3, v.Percent, 6);

        _runner.Track(id, WorkId.Track(1));
        _runner.Track(id, WorkId.Track(3));
        v = await _cluster.WaitAsync(id, v => v.Status.IsTerminal(), RealWait);
        Assert.Equal(JobStatus.Completed, v.Status);
        Assert.Equal(100, v.Percent);
        string[] order = ["submitted", "fetching", "transcribing", "scoring", "tracking", "encoding", "completed"];
        Assert.Equal(order, v.StageStartedAt.OrderBy(kv => kv.Value).ThenBy(kv => Array.IndexOf(order, kv.Key)).Select(kv => kv.Key));
        Assert.Equal(10, v.WorkedOn.Count); // fetch, split, transcribe, score and two units per clip
    }

    [Fact]
    public async Task AWatcherIsToldOfEachChangeWithoutAsking()
    {
        var id = await SubmitAsync("watched");
        await StartsAsync(id, 1, WorkId.Track(1), WorkId.Track(2), WorkId.Track(3));
        var watcher = new Watcher();
        var reference = _cluster.Grains.CreateObjectReference<IJobObserver>(watcher);
        var job = _cluster.Grains.GetGrain<IVideoJobGrain>(id);
        Assert.Equal(JobStatus.Tracking, (await job.Subscribe(reference))!.Status);

        // from here on the test never asks the job: every view it sees was pushed
        foreach (var i in new[] { 1, 2, 3 })
        {
            _runner.Track(id, WorkId.Track(i));
            await watcher.UntilAsync(v => v.Encoded.ContainsKey(i), RealWait, $"clip {i} encoded");
        }

        var last = await watcher.UntilAsync(v => v.Status.IsTerminal(), RealWait, "the job's end");
        Assert.Equal(JobStatus.Completed, last.Status);
        // notifications are one-way calls that the client may run in any order, so what is checked is that each step arrived
        Assert.Contains(watcher.Seen, v => v.Status == JobStatus.Encoding);
        Assert.Equal(100, last.Percent);
        _cluster.Grains.DeleteObjectReference<IJobObserver>(reference);
    }

    [Fact]
    public void AStateWithTypedUnitsReadsBackFromGrainStorage()
    {
        var storage = _cluster.Cluster.GetSiloServiceProvider(_cluster.Cluster.Silos[0].SiloAddress)
            .GetRequiredService<IGrainStorageSerializer>();
        var s = new JobState
        {
            Spec = new JobSpec("/talk.mp4", Jobs.Small with { Extras = new SizeList([new(270, 270), new(480, 270)]) }),
            Status = JobStatus.Tracking,
        };
        // a clip tracked and encoded in an extra ratio (--ratio 9:16,1:1,16:9)
        s.Tracked[1] = new TrackResult(1, "jobs/j/crop/clip-01.json", "centre", "no face", "fit", "no face in 0 of 12 sampled frames", null,
            [new TrackedRendition(270, 270, "jobs/j/crop/clip-01/1x1.json", "centre", "no face", "fit", "no face in 0 of 12 sampled frames")]);
        s.Encoded[1] = new EncodeResult(1, "jobs/j/clip-01.mp4", "jobs/j/clip-01.srt", "jobs/j/clip-01.vtt", "jobs/j/clip-01.jpg", 20, "bold",
            [new EncodedRendition(270, 270, "jobs/j/clip-01/1x1.mp4", "jobs/j/clip-01/1x1.jpg", "fit")]);
        // the same id value in several places, as the grain writes it
        s.UnitFor(WorkId.Fetch).Silo = "silo-a";
        s.UnitFor(WorkId.Transcribe).Seconds = 12.5;
        s.UnitFor(WorkId.Track(2)).Attempts = 2;
        s.UnitFor(WorkId.Track(2)).RetryAt = _clock.GetUtcNow();
        s.UnitFor(WorkId.Track(3)).LastError = new JobError("tool_failed", "crashed", "tail");
        // the split unit's plan as the adapter makes it, and a chunk's result
        s.Split = new SpeechSplit(Clipper.Grains.Work.JobPlan.Speech(
            new Clipper.Stages.Transcribe.ChunkPlan([(0, 41.5), (41.5, 78)], 31.5), 0.5, "pocketsphinx"));
        s.Chunks[2] = new Clipper.Abstractions.Stages.ChunkResult(2, "transcripts/chunks/a-pocketsphinx/41.500-78.000.json", 120);

        var back = storage.Deserialize<JobState>(storage.Serialize(s));
        Assert.Equal(s.Split.Plan!.Chunks, back!.Split!.Plan!.Chunks);
        Assert.Equal((0.5, 31.5, "pocketsphinx"), (back.Split.Plan.Overlap, back.Split.Plan.NoiseFloorDb, back.Split.Plan.Variant));
        Assert.Equal(s.Chunks, back.Chunks);

        Assert.NotNull(back);
        Assert.Equal(s.Units.Select(u => (u.Id, u.Silo, u.Seconds, u.Attempts, u.RetryAt, u.LastError)),
            back.Units.Select(u => (u.Id, u.Silo, u.Seconds, u.Attempts, u.RetryAt, u.LastError)));
        Assert.Equal(s.Spec, back.Spec);
        Assert.Equal([new OutputSize(270, 270), new OutputSize(480, 270)], back.Spec!.Options.Renditions());
        Assert.Equal(s.Tracked[1].Renditions, back.Tracked[1].Renditions);
        Assert.Equal(s.Encoded[1].Renditions, back.Encoded[1].Renditions);
    }

    [Fact]
    public void AJobStoredBeforeWebhooksExistedLoadsWithNone()
    {
        var storage = _cluster.Cluster.GetSiloServiceProvider(_cluster.Cluster.Silos[0].SiloAddress)
            .GetRequiredService<IGrainStorageSerializer>();
        var s = new JobState { Spec = new JobSpec("/talk.mp4", Jobs.Small, new WebhookList([new Webhook("https://hooks.example/a", ["whsec_c2VjcmV0"])])) };
        var json = System.Text.Json.Nodes.JsonNode.Parse(storage.Serialize(s).ToString())!;
        // the row as builds before webhooks wrote it: the spec without the member
        var spec = json["Spec"]!.AsObject();
        Assert.True(spec.Remove("Webhooks"), json.ToJsonString());

        var back = storage.Deserialize<JobState>(BinaryData.FromString(json.ToJsonString()));

        Assert.Equal(new JobSpec("/talk.mp4", Jobs.Small), back?.Spec);
        Assert.Empty(back!.Spec!.Endpoints());
    }

    private async Task<string> SubmitAsync(string what)
    {
        var id = Jobs.NewId(what);
        await _cluster.Grains.GetGrain<IVideoJobGrain>(id).Submit(new JobSpec("/scripted/talk.mp4", Jobs.Small));
        return id;
    }

    private int[] Starts(string id) => [.. new[] { 1, 2, 3 }.Select(i => _runner.Starts(id, WorkId.Track(i)))];

    private Task StartsAsync(string id, int count, params WorkId[] units) =>
        Wait.Until(() => Task.FromResult(units.All(u => _runner.Starts(id, u) >= count)), RealWait,
            () => $"job {id}: starts {string.Join(", ", units.Select(u => $"{u}={_runner.Starts(id, u)}"))} at fake time {_clock.GetUtcNow():O}",
            $"{string.Join(", ", units.Select(u => u.ToString()))} to start {count} time(s)");

    private sealed class Watcher : IJobObserver
    {
        private readonly List<JobView> _seen = [];

        public IReadOnlyList<JobView> Seen
        {
            get
            {
                lock (_seen)
                {
                    return [.. _seen];
                }
            }
        }

        public Task Changed(JobView view)
        {
            lock (_seen)
            {
                _seen.Add(view);
            }

            return Task.CompletedTask;
        }

        public async Task<JobView> UntilAsync(Func<JobView, bool> done, TimeSpan timeout, string what)
        {
            await Wait.Until(() => Task.FromResult(Seen.Any(done)), timeout,
                () => $"{Seen.Count} view(s), the last {Seen.LastOrDefault()?.Status} {Seen.LastOrDefault()?.Percent:0.0}%",
                $"a pushed view showing {what}");
            return Seen.First(done);
        }
    }

    private Task AttemptsAsync(string id, string unit, int attempts) =>
        _cluster.WaitAsync(id, v => v.Attempts.GetValueOrDefault(unit) == attempts, RealWait);
}
