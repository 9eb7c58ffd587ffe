using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Remote;
using Clipper.Core.Samples;
using Clipper.Core.Storage;
using Clipper.Stages.Encode;
using Clipper.Stages.Fetch;
using Clipper.Stages.Score;
using Clipper.Stages.Track;
using Clipper.Stages.Transcribe;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Clipper.Grains.Stages;

/// <summary>
/// Runs the pipeline stages against blob storage, one per silo: a unit takes a slot of its stage
/// (<see cref="StageSlots"/>), gets its own work directory (<see cref="WorkDirectories"/>) and the sources it reads
/// (<see cref="SourceCache"/>), and its stage's adapter runs it. Outputs go back as blobs under stable keys
/// (<see cref="BlobLayout"/>), so a retried unit rewrites the same keys and any silo can run any unit.
/// </summary>
public sealed class StageExecutor : IStageRunner, IDisposable
{
    private readonly StageSlots _slots;
    private readonly Dictionary<Stage, IStageAdapter> _adapters;
    private readonly TrackAdapter _track;
    private readonly ILogger<StageExecutor> _log;
    private readonly CancellationTokenSource _stopping = new();

    public StageExecutor(IBlobStore blobs, IOptions<ClipperOptions> options, IOptions<JobOptions> jobs,
        IOptions<FetchOptions> fetch, IOptions<TranscribeOptions> transcribe, IOptions<ScoreOptions> score,
        IOptions<TrackOptions> track, IOptions<EncodeOptions> encode, IOptions<OpenAiOptions> openAi, ILogger<StageExecutor> log,
        IClipperMetrics metrics, IHostApplicationLifetime lifetime, IGrainFactory grains, TimeProvider clock)
    {
        // a stopping process stops its tools at once (their process trees killed), not when grains deactivate:
        // nothing of this silo's work outlives it, and the jobs re-dispatch the units elsewhere or on restart
        lifetime.ApplicationStopping.Register(_stopping.Cancel);
        _log = log;
        var o = options.Value;
        // checks every caption preset's font: a missing one stops the start (caption_font_missing, naming it)
        var encoder = new ClipEncoder(encode.Value);

        var fetcher = new Fetcher(blobs, fetch.Value);
        if (!fetcher.CanReadPages)
        {
            _log.LogWarning("yt-dlp ('{YtDlp}', Clipper:Fetch:YtDlp / CLIPPER_YTDLP) cannot be run: links to pages (YouTube, Vimeo, …) "
                + "are refused with unsupported_url; install a current yt-dlp (see the README)", fetch.Value.YtDlp);
        }

        var trackOptions = track.Value;
        _track = new TrackAdapter(blobs, metrics, () => new FaceTracker(o.FaceModel ?? Assets.FaceModel(), trackOptions));
        var transcriber = new TranscribeAdapter(blobs, engine => Transcriber.Standard(transcribe.Value, openAi.Value, engine, clock, log,
                new GrainRemotePermits(grains, "openai", transcribe.Value.Remote, metrics, clock)), transcribe.Value.Engine,
            transcribe.Value.ChunkOverlap, grains, jobs.Value, metrics, clock, log);
        var fetchAdapter = new FetchAdapter(fetcher, log);
        _adapters = new()
        {
            [Stage.Fetch] = fetchAdapter,
            [Stage.FetchAudio] = fetchAdapter,
            [Stage.Split] = transcriber,
            [Stage.Transcribe] = transcriber,
            [Stage.Score] = new ScoreAdapter(blobs, score.Value, openAi.Value, grains, metrics),
            [Stage.Track] = _track,
            [Stage.Encode] = new EncodeAdapter(blobs, encoder),
        };
        _slots = new StageSlots(jobs.Value, metrics);
        Sources = new SourceCache(blobs, Path.Combine(o.WorkDirectory, "cache"), o.CacheBudgetBytes, log);
        Work = new WorkDirectories(o.WorkDirectory, Sources.Directory, o.WorkMaxAge, log);
    }

    /// <summary>True once the process is stopping: the units it stopped are not failures of their jobs.</summary>
    public bool Stopping => _stopping.IsCancellationRequested;

    /// <summary>This silo's copies of blobs (sources), bounded by <see cref="ClipperOptions.CacheBudgetBytes"/>.</summary>
    public SourceCache Sources { get; }

    /// <summary>The units' work directories and the janitor's sweep of abandoned ones.</summary>
    public WorkDirectories Work { get; }

    /// <summary>Units of each stage running on this silo now (for tests and metrics).</summary>
    public int Running(Stage stage) => _slots.Running(stage);

    public async Task<StageOutput> RunAsync(StageWork work, IProgress<double> progress, CancellationToken cancel)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, _stopping.Token);
        cancel = linked.Token;
        // accepted, then running: a unit that waits for a slot is this silo's too (lost with it, were it to die)
        _log.LogInformation("{Job} {Work} accepted on this silo", work.JobId, work.Unit);
        var slot = await _slots.TakeAsync(work.Stage, cancel);
        _log.LogInformation("{Job} {Work} running on this silo", work.JobId, work.Unit);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string outcome = "failed";
        var dir = Work.Begin(work.JobId, work.Unit);
        var sources = Sources.Hold();
        try
        {
            // inside the try: a disk that refuses the directory must not keep the slot taken
            Directory.CreateDirectory(dir.Path);
            var output = await _adapters[work.Stage].RunAsync(work, new UnitWorkspace(dir.Path, sources), progress, cancel);
            outcome = "ok";
            return output;
        }
        catch (Exception) when (cancel.IsCancellationRequested)
        {
            outcome = "cancelled";
            throw;
        }
        finally
        {
            _log.LogInformation("{Job} {Work} ended on this silo ({Outcome}) after {Seconds:0.0} s", work.JobId, work.Unit, outcome,
                clock.Elapsed.TotalSeconds);
            slot.Release(outcome);
            sources.Dispose();
            dir.Dispose();
        }
    }

    public void Dispose() => _track.Dispose();
}
