using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core;
using Clipper.Core.Crop;
using Clipper.Core.Errors;
using Clipper.Core.Media;
using Clipper.Core.Samples;
using Clipper.Core.Storage;
using Clipper.Core.Transcripts;
using Clipper.Stages.Encode;
using Clipper.Stages.Fetch;
using Clipper.Stages.Score;
using Clipper.Stages.Track;
using Clipper.Stages.Transcribe;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Clipper.Grains.Stages;

/// <summary>
/// Runs the pipeline stages against blob storage, one per silo. Inputs come from blobs (the file itself on a
/// directory store, else a copy in this silo's cache), outputs go back as blobs under stable keys, so a retried
/// unit rewrites the same keys and any silo can run any unit. Each unit works in its own directory, removed
/// when it ends. Concurrency is bounded per stage on this silo.
///
/// Blob layout: sources/&lt;sha256&gt;.&lt;ext&gt; (and side-car captions), transcripts/&lt;sha256&gt;.json (cached by
/// source identity), jobs/&lt;job&gt;/crop/clip-NN.json, jobs/&lt;job&gt;/clip-NN.mp4|srt|vtt|jpg.
/// </summary>
public sealed class StageExecutor : IStageRunner, IDisposable
{
    private readonly IBlobStore _blobs;
    private readonly ClipperOptions _options;
    private readonly Fetcher _fetcher;
    private readonly Transcriber _transcriber;
    private readonly ScoreOptions _score;
    private readonly Lazy<FaceTracker> _tracker;
    private readonly ClipEncoder _encoder;
    private readonly ILogger<StageExecutor> _log;
    private readonly Dictionary<Stage, SemaphoreSlim> _slots;
    private readonly IClipperMetrics _metrics;
    private readonly CancellationTokenSource _stopping = new();

    public StageExecutor(IBlobStore blobs, IOptions<ClipperOptions> options, IOptions<JobOptions> jobs,
        IOptions<FetchOptions> fetch, IOptions<TranscribeOptions> transcribe, IOptions<ScoreOptions> score,
        IOptions<TrackOptions> track, IOptions<EncodeOptions> encode, ILogger<StageExecutor> log,
        IClipperMetrics metrics, Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime)
    {
        _metrics = metrics;
        // a stopping process stops its tools at once (their process trees killed), not when grains deactivate:
        // nothing of this silo's work outlives it, and the jobs re-dispatch the units elsewhere or on restart
        lifetime.ApplicationStopping.Register(_stopping.Cancel);
        _blobs = blobs;
        _options = options.Value;
        _log = log;
        _fetcher = new Fetcher(blobs, fetch.Value);
        _transcriber = Transcriber.Standard(transcribe.Value);
        _score = score.Value;
        var trackOptions = track.Value;
        _tracker = new Lazy<FaceTracker>(() => new FaceTracker(_options.FaceModel ?? Assets.FaceModel(), trackOptions));
        _encoder = new ClipEncoder(encode.Value);
        if (_encoder.Font.Fallback)
        {
            _log.LogWarning("caption font {Font} not found in {Dir}; captions use {Used}", encode.Value.FontName,
                encode.Value.FontsDir, _encoder.Font.Name);
        }
        _slots = Enum.GetValues<Stage>().ToDictionary(s => s, s => new SemaphoreSlim(Math.Max(1, jobs.Value.For(s).Concurrency)));
        Directory.CreateDirectory(_options.WorkDirectory);
    }

    /// <summary>True once the process is stopping: the units it stopped are not failures of their jobs.</summary>
    public bool Stopping => _stopping.IsCancellationRequested;

    /// <summary>Units of each stage running on this silo now (for tests and metrics).</summary>
    public int Running(Stage stage) => _running.TryGetValue(stage, out var n) ? n : 0;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Stage, int> _running = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _activeDirs = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _inUse = new();
    private readonly object _trimLock = new();

    public async Task<StageOutput> RunAsync(StageWork work, IProgress<double> progress, CancellationToken cancel)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, _stopping.Token);
        cancel = linked.Token;
        var slot = _slots[work.Stage];
        _metrics.Queued(work.Stage, 1);
        try
        {
            await slot.WaitAsync(cancel);
        }
        finally
        {
            _metrics.Queued(work.Stage, -1);
        }

        _metrics.Running(work.Stage, _running.AddOrUpdate(work.Stage, 1, (_, n) => n + 1));
        _log.LogInformation("{Job} {Work} running on this silo", work.JobId, work.Unit);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string outcome = "failed";
        // a directory per attempt: an earlier attempt of the same unit may still be running somewhere
        var dir = Path.Combine(_options.WorkDirectory, work.JobId, $"{work.Unit}-{Guid.NewGuid().ToString("N")[..8]}");
        _activeDirs[dir] = 0;
        var held = new List<string>();
        try
        {
            // inside the try: a disk that refuses the directory must not keep the slot taken
            Directory.CreateDirectory(dir);
            var output = work.Stage switch
            {
                Stage.Fetch => await FetchAsync(work, dir, progress, cancel),
                Stage.Transcribe => await TranscribeAsync(work, dir, held, progress, cancel),
                Stage.Score => await ScoreAsync(work, cancel),
                Stage.Track => await TrackAsync(work, held, progress, cancel),
                _ => await EncodeAsync(work, dir, held, progress, cancel),
            };
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
            _metrics.StageRan(work.Stage, clock.Elapsed.TotalSeconds, outcome);
            _metrics.Running(work.Stage, _running.AddOrUpdate(work.Stage, 0, (_, n) => n - 1));
            slot.Release();
            Release(held);
            _activeDirs.TryRemove(dir, out _);
            TryDelete(dir);
            TryDeleteIfEmpty(Path.Combine(_options.WorkDirectory, work.JobId));
        }
    }

    private async Task<StageOutput> FetchAsync(StageWork w, string dir, IProgress<double> progress, CancellationToken cancel)
    {
        var s = await _fetcher.FetchAsync(new FetchRequest(w.Spec.Input, dir, w.Spec.Options.MinSeconds, progress), cancel);
        var m = s.Media;
        return new SourceFetched(new SourceResult(s.BlobKey, s.Sha256, s.DisplayName, m.DurationSeconds, m.Width,
            m.Height, m.Fps, m.SizeBytes, s.CaptionsKey));
    }

    private async Task<StageOutput> TranscribeAsync(StageWork w, string dir, List<string> held, IProgress<double> progress, CancellationToken cancel)
    {
        var source = w.Source!;
        var key = $"transcripts/{source.Sha256}{(source.CaptionsKey is not null ? "-captions" : "")}.json";
        if (await _blobs.ExistsAsync(key, cancel))
        {
            var cached = Json.Deserialize<Transcript>(System.Text.Encoding.UTF8.GetString(await _blobs.GetBytesAsync(key, cancel)));
            _log.LogInformation("transcript of {Source} from the cache ({Words} words)", source.Sha256, cached.Words.Count);
            progress.Report(1);
            return new Transcribed(new TranscriptResult(key, cached.Words.Count, cached.Provider));
        }

        string? captions = null;
        if (source.CaptionsKey is not null)
        {
            captions = Path.Combine(dir, Path.GetFileName(source.CaptionsKey));
            await _blobs.DownloadAsync(source.CaptionsKey, captions, cancel);
        }

        var media = await LocalFileAsync(source.SourceKey, held, cancel);
        var t = await _transcriber.TranscribeAsync(new TranscribeRequest(media, captions, dir), progress, cancel);
        await _blobs.PutBytesAsync(key, System.Text.Encoding.UTF8.GetBytes(Json.Serialize(t)), cancel);
        return new Transcribed(new TranscriptResult(key, t.Words.Count, t.Provider));
    }

    private async Task<StageOutput> ScoreAsync(StageWork w, CancellationToken cancel)
    {
        var t = await ReadTranscriptAsync(w.Transcript!.TranscriptKey, cancel);
        var clips = await Task.Run(() => ClipSelector.Select(t, w.Source!.Duration, w.Spec.Options.ToOptions(), _score), cancel);
        return new Scored(clips.Select(ClipPlan.From).ToList());
    }

    private async Task<StageOutput> TrackAsync(StageWork w, List<string> held, IProgress<double> progress, CancellationToken cancel)
    {
        var clip = w.Clip!;
        var source = await LocalFileAsync(w.Source!.SourceKey, held, cancel);
        var media = await Probe.ProbeAsync(source, cancel);
        var path = await _tracker.Value.TrackAsync(source, media, clip.Start, clip.End, w.Spec.Options.Width,
            w.Spec.Options.Height, progress, cancel);
        var key = $"jobs/{w.JobId}/crop/{clip.Stem}.json";
        await _blobs.PutBytesAsync(key, System.Text.Encoding.UTF8.GetBytes(Json.Serialize(path)), cancel);
        return new Tracked(new TrackResult(clip.Index, key, path.Method, path.Reason));
    }

    private async Task<StageOutput> EncodeAsync(StageWork w, string dir, List<string> held, IProgress<double> progress, CancellationToken cancel)
    {
        var clip = w.Clip!;
        var transcript = await ReadTranscriptAsync(w.Transcript!.TranscriptKey, cancel);
        var crop = Json.Deserialize<CropPath>(System.Text.Encoding.UTF8.GetString(await _blobs.GetBytesAsync(w.Crop!.CropKey, cancel)));
        var source = await LocalFileAsync(w.Source!.SourceKey, held, cancel);
        var o = w.Spec.Options;
        var output = await _encoder.EncodeAsync(new EncodeRequest(source, clip.ToScoredClip(),
            transcript.Between(clip.Start - 1, clip.End + 1), crop, o.Width, o.Height, dir, clip.Stem), progress, cancel);
        var prefix = $"jobs/{w.JobId}/{clip.Stem}";
        // the video last: its key existing means the clip is complete
        await _blobs.PutFileAsync(prefix + ".srt", output.Srt, cancel);
        await _blobs.PutFileAsync(prefix + ".vtt", output.Vtt, cancel);
        await _blobs.PutFileAsync(prefix + ".jpg", output.Thumbnail, cancel);
        await _blobs.PutFileAsync(prefix + ".mp4", output.Video, cancel);
        return new Encoded(new EncodeResult(clip.Index, prefix + ".mp4", prefix + ".srt", prefix + ".vtt",
            prefix + ".jpg", output.Media.DurationSeconds));
    }

    private async Task<Transcript> ReadTranscriptAsync(string key, CancellationToken cancel) =>
        Json.Deserialize<Transcript>(System.Text.Encoding.UTF8.GetString(await _blobs.GetBytesAsync(key, cancel)));

    /// <summary>
    /// A local file holding the blob: the blob itself on a directory store, else a copy in this silo's cache, held
    /// (not evicted) until the unit ends. After a download the cache is brought back under its disk budget.
    /// </summary>
    private async Task<string> LocalFileAsync(string key, List<string> held, CancellationToken cancel)
    {
        if (_blobs is FileBlobStore fs)
        {
            var p = fs.PathOf(key);
            return File.Exists(p) ? p : throw new ClipperException(ErrorCode.StorageFailed, $"blob {key} is missing");
        }

        var cached = Path.Combine(CacheDirectory, key);
        _inUse.AddOrUpdate(cached, 1, (_, n) => n + 1);
        held.Add(cached);
        if (File.Exists(cached))
        {
            File.SetLastWriteTimeUtc(cached, DateTime.UtcNow);
            return cached;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        await _blobs.DownloadAsync(key, cached, cancel);
        TrimCache();
        return cached;
    }

    private void Release(List<string> held)
    {
        foreach (var path in held)
        {
            _inUse.AddOrUpdate(path, 0, (_, n) => n - 1);
            if (_inUse.TryGetValue(path, out var n) && n <= 0)
            {
                _inUse.TryRemove(new KeyValuePair<string, int>(path, n));
            }
        }
    }

    /// <summary>This silo's copies of blobs (sources), bounded by <see cref="ClipperOptions.CacheBudgetBytes"/>.</summary>
    public string CacheDirectory => Path.Combine(_options.WorkDirectory, "cache");

    /// <summary>Removes the least recently used cached copies no running unit holds until the cache fits its budget.</summary>
    public void TrimCache()
    {
        lock (_trimLock)
        {
            if (!Directory.Exists(CacheDirectory))
            {
                return;
            }

            var files = new DirectoryInfo(CacheDirectory).EnumerateFiles("*", SearchOption.AllDirectories)
                .OrderBy(f => f.LastWriteTimeUtc).ToList();
            long total = files.Sum(f => f.Length);
            foreach (var f in files)
            {
                if (total <= _options.CacheBudgetBytes)
                {
                    break;
                }

                if (_inUse.ContainsKey(f.FullName))
                {
                    continue;
                }

                try
                {
                    f.Delete();
                    total -= f.Length;
                    _log.LogInformation("cache over its budget of {Budget} bytes: removed {File} ({Bytes} bytes, last used {Used:O})",
                        _options.CacheBudgetBytes, f.Name, f.Length, f.LastWriteTimeUtc);
                }
                catch (IOException e)
                {
                    _log.LogWarning("cannot remove cached {File}: {Message}", f.FullName, e.Message);
                }
            }
        }
    }

    /// <summary>
    /// The janitor's sweep: removes unit work directories that no unit running here uses and that were last written
    /// before <paramref name="now"/> minus <see cref="ClipperOptions.WorkMaxAge"/> (left by a killed process), then
    /// empty job directories. Returns the directories removed.
    /// </summary>
    public IReadOnlyList<string> SweepWork(DateTime now)
    {
        var removed = new List<string>();
        var root = _options.WorkDirectory;
        if (!Directory.Exists(root))
        {
            return removed;
        }

        foreach (var jobDir in Directory.EnumerateDirectories(root))
        {
            if (Path.GetFullPath(jobDir) == Path.GetFullPath(CacheDirectory))
            {
                continue;
            }

            foreach (var unitDir in Directory.EnumerateDirectories(jobDir))
            {
                if (_activeDirs.ContainsKey(unitDir) || now - LastWrite(unitDir) < _options.WorkMaxAge)
                {
                    continue;
                }

                TryDelete(unitDir);
                if (!Directory.Exists(unitDir))
                {
                    removed.Add(unitDir);
                }
            }

            TryDeleteIfEmpty(jobDir);
        }

        return removed;
    }

    private static DateTime LastWrite(string dir)
    {
        var latest = Directory.GetLastWriteTimeUtc(dir);
        foreach (var f in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories))
        {
            var t = File.GetLastWriteTimeUtc(f);
            if (t > latest)
            {
                latest = t;
            }
        }

        return latest;
    }

    private void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException e)
        {
            _log.LogWarning("cannot remove work directory {Dir}: {Message}", dir, e.Message);
        }
    }

    private static void TryDeleteIfEmpty(string dir)
    {
        try
        {
            if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
            {
                Directory.Delete(dir);
            }
        }
        catch (IOException)
        {
            // another unit of the same job is still working here
        }
    }

    public void Dispose()
    {
        if (_tracker.IsValueCreated)
        {
            _tracker.Value.Dispose();
        }
    }
}
