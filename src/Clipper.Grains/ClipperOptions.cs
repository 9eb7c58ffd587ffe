using Clipper.Abstractions.Jobs;
using Clipper.Core.Configuration;

namespace Clipper.Grains;

/// <summary>Where Clipper keeps its files, bound from the "Clipper" configuration section.</summary>
public sealed class ClipperOptions
{
    public const string Section = "Clipper";

    /// <summary>
    /// The sections under "Clipper" that other options read (each checked for unknown keys by its own class, except the
    /// host's Cluster, Blob and Kubernetes, read key by key).
    /// </summary>
    public static readonly IReadOnlyList<string> Sections =
        ["Job", "Fetch", "Transcribe", "Score", "Track", "Encode", "Webhooks", "OpenAI", "Prices", "Gateway", "Storage", "Cluster", "Blob", "Kubernetes"];

    /// <summary>Database, blobs, work files and logs (CLIPPER_HOME).</summary>
    public string Home { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "clipper");

    /// <summary>The filesystem blob store (embedded profile); default Home/blobs.</summary>
    public string? BlobDir { get; set; }

    /// <summary>Per-unit working directories; default Home/work.</summary>
    public string? WorkDir { get; set; }

    /// <summary>The face model; default the one scripts/setup.sh fetched.</summary>
    public string? FaceModel { get; set; }

    /// <summary>A work directory no running unit of this silo uses is removed once it is this old (a killed silo's leftovers).</summary>
    public TimeSpan WorkMaxAge { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the janitor looks.</summary>
    public TimeSpan JanitorInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The disk budget of this silo's copies of sources from blob storage; least recently used go first.</summary>
    public long CacheBudgetBytes { get; set; } = 20L << 30;

    public string BlobDirectory => BlobDir ?? Path.Combine(Home, "blobs");

    public string WorkDirectory => WorkDir ?? Path.Combine(Home, "work");

    /// <summary>Records every setting out of range, by its key under <see cref="Section"/>.</summary>
    public void Check(OptionChecks c)
    {
        c.Require(!string.IsNullOrWhiteSpace(Home), nameof(Home), "must name a directory");
        c.Positive(WorkMaxAge, nameof(WorkMaxAge));
        c.Positive(JanitorInterval, nameof(JanitorInterval));
        c.AtLeast(CacheBudgetBytes, 0, nameof(CacheBudgetBytes));
    }
}

/// <summary>How jobs retry and watch their work ("Clipper:Job").</summary>
public sealed class JobOptions
{
    public const string Section = "Clipper:Job";

    /// <summary>Attempts per unit of work before a transient failure fails the job.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Attempt n waits RetryBase · 2^(n-1), ± RetryJitter.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(5);

    public double RetryJitter { get; set; } = 0.2;

    /// <summary>How often a job with work in flight checks that the silos running it are alive.</summary>
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Liveness checks in a row that get no answer before a unit in flight is taken for lost and dispatched again.</summary>
    public int LivenessUnknownLimit { get; set; } = 3;

    /// <summary>How long a stage grain remembers a finished unit's token, so a liveness check does not take it for lost.</summary>
    public TimeSpan RememberFinished { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a transcription holds its video's lease (<see cref="Abstractions.Stages.ITranscriptLeaseGrain"/>) without
    /// renewing it (it renews at a third of this while it runs): a holder whose silo died is waited for this long.
    /// </summary>
    public TimeSpan TranscriptLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest one call waiting for another job's transcription of the same video stays open (then it asks again).</summary>
    public TimeSpan TranscriptLeaseWait { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A watcher that does not renew its subscription within this time is dropped.</summary>
    public TimeSpan WatcherExpiry { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The durable backstop: an Orleans reminder that reactivates an unfinished job (1 minute is Orleans' minimum by default).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A stage's progress reaches the job at most this often ...</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>... unless it moved by at least this fraction (0..1) since it last did.</summary>
    public double ProgressStep { get; set; } = 0.02;

    public StageLimits Fetch { get; set; } = new() { Concurrency = 6, Timeout = TimeSpan.FromMinutes(30), MaxInFlightPerJob = 1 };

    /// <summary>A link's audio stream fetched ahead of its video (its own slots, so it never waits behind the videos).</summary>
    public StageLimits FetchAudio { get; set; } = new() { Concurrency = 6, Timeout = TimeSpan.FromMinutes(30), MaxInFlightPerJob = 1 };
    public StageLimits Split { get; set; } = new() { Concurrency = 2, Timeout = TimeSpan.FromMinutes(20), MaxInFlightPerJob = 1 };

    /// <summary>
    /// The audio's chunks and the unit that stitches them: one recogniser per core by default, and as many of a job's
    /// chunks in flight as the active silos have slots (0), so none waits on a busy silo while another idles.
    /// </summary>
    public StageLimits Transcribe { get; set; } = new() { Concurrency = Environment.ProcessorCount, Timeout = TimeSpan.FromMinutes(60), MaxInFlightPerJob = 0 };
    public StageLimits Score { get; set; } = new() { Concurrency = 3, Timeout = TimeSpan.FromMinutes(5), MaxInFlightPerJob = 1 };
    public StageLimits Track { get; set; } = new() { Concurrency = 2, Timeout = TimeSpan.FromMinutes(20), MaxInFlightPerJob = 4 };
    public StageLimits Encode { get; set; } = new() { Concurrency = 2, Timeout = TimeSpan.FromMinutes(30), MaxInFlightPerJob = 4 };

    public StageLimits For(Stage stage) => stage switch
    {
        Stage.Fetch => Fetch,
        Stage.FetchAudio => FetchAudio,
        Stage.Split => Split,
        Stage.Transcribe => Transcribe,
        Stage.Score => Score,
        Stage.Track => Track,
        _ => Encode,
    };

    /// <summary>Records every setting out of range, by its key under <see cref="Section"/>.</summary>
    public void Check(OptionChecks c)
    {
        c.AtLeast(MaxAttempts, 1, nameof(MaxAttempts));
        c.Positive(RetryBase, nameof(RetryBase));
        c.Require(RetryJitter is >= 0 and < 1, nameof(RetryJitter), $"must be in [0, 1), got {RetryJitter}");
        c.Positive(WatchInterval, nameof(WatchInterval));
        c.AtLeast(LivenessUnknownLimit, 1, nameof(LivenessUnknownLimit));
        c.Positive(RememberFinished, nameof(RememberFinished));
        c.Positive(TranscriptLease, nameof(TranscriptLease));
        c.Positive(TranscriptLeaseWait, nameof(TranscriptLeaseWait));
        c.Positive(WatcherExpiry, nameof(WatcherExpiry));
        c.Positive(ReminderPeriod, nameof(ReminderPeriod));
        c.Require(ProgressInterval >= TimeSpan.Zero, nameof(ProgressInterval), $"must not be negative, got {ProgressInterval}");
        c.Require(ProgressStep is >= 0 and <= 1, nameof(ProgressStep), $"must be in [0, 1], got {ProgressStep}");
        foreach (var stage in Enum.GetValues<Stage>())
        {
            For(stage).Check(c, stage.ToString(), allowPerSilo: stage == Stage.Transcribe);
        }
    }

    /// <summary>The wait before attempt n+1 after n failures; <paramref name="random"/> in [0, 1).</summary>
    public TimeSpan RetryDelay(int failedAttempts, double random)
    {
        double baseMs = RetryBase.TotalMilliseconds * Math.Pow(2, failedAttempts - 1);
        return TimeSpan.FromMilliseconds(baseMs * (1 + RetryJitter * (2 * random - 1)));
    }
}

/// <summary>Per stage: units this silo runs at once, how long one unit may take, how many of one job's units run at once.</summary>
public sealed class StageLimits
{
    public int Concurrency { get; set; }

    public TimeSpan Timeout { get; set; }

    /// <summary>A job's units of the stage running at once; 0 (transcribe only): the active silos times <see cref="Concurrency"/>.</summary>
    public int MaxInFlightPerJob { get; set; }

    /// <summary>The in-flight limit with <paramref name="activeSilos"/> silos in the cluster.</summary>
    public int InFlightLimit(int activeSilos) => MaxInFlightPerJob > 0 ? MaxInFlightPerJob : Math.Max(1, activeSilos) * Math.Max(1, Concurrency);

    /// <summary>Records every setting out of range, by its key under the job section's <paramref name="stage"/>.</summary>
    /// <param name="allowPerSilo">whether 0 (the silos' slots) is a valid in-flight limit</param>
    public void Check(OptionChecks c, string stage, bool allowPerSilo = false)
    {
        c.AtLeast(Concurrency, 1, $"{stage}:{nameof(Concurrency)}");
        c.Positive(Timeout, $"{stage}:{nameof(Timeout)}");
        c.AtLeast(MaxInFlightPerJob, allowPerSilo ? 0 : 1, $"{stage}:{nameof(MaxInFlightPerJob)}");
    }
}
