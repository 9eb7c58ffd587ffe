using Clipper.Core.Errors;

namespace Clipper.Stages.Transcribe.Remote;

/// <summary>
/// How a remote speech-to-text engine is fed (Clipper:Transcribe:Remote): the audio goes as compressed mono pieces
/// cut in pauses, a few at a time, each with its own deadline; failures are retried by these rules and a piece that
/// fails for good is recognised locally instead.
/// </summary>
public sealed class RemoteTranscribeOptions
{
    /// <summary>The API's upload limit (25 MB); a piece must stay under it.</summary>
    public const long UploadLimitBytes = 25L * 1024 * 1024;

    /// <summary>Pieces are cut near every this many minutes of audio, in the quietest moment nearby (at most 1.25 times it).</summary>
    public double ChunkMinutes { get; set; } = 10;

    /// <summary>Each piece also carries this many seconds of its neighbours' audio, so a word at a cut is heard whole.</summary>
    public double OverlapSeconds { get; set; } = 2;

    /// <summary>MP3 bit rate of the uploaded audio (16 kHz mono), kbit/s.</summary>
    public int BitrateKbps { get; set; } = 32;

    /// <summary>How many pieces of one source are in flight at once.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Requests per piece at most (the first and its retries).</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The wait before the first retry after a 5xx or a time-out; it doubles after each.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>No wait between attempts is longer than this (a longer Retry-After is cut to it).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A piece still without an answer this long after its first request is recognised locally instead.</summary>
    public TimeSpan ChunkDeadline { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Requests per minute across the whole cluster (0: no limit); over it, pieces wait their turn.</summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>Minutes of audio sent per minute across the whole cluster (0: no limit); over it, pieces wait their turn.</summary>
    public double AudioMinutesPerMinute { get; set; }

    /// <summary>Throws <see cref="ErrorCode.BadOption"/> naming the first setting out of range.</summary>
    public RemoteTranscribeOptions Validate()
    {
        if (!(ChunkMinutes >= 0.25))
        {
            Bad($"Remote:ChunkMinutes must be at least 0.25, got {ChunkMinutes}");
        }

        if (BitrateKbps is < 8 or > 320)
        {
            Bad($"Remote:BitrateKbps must be in [8, 320], got {BitrateKbps}");
        }

        // the longest piece is 1.25 chunks plus an overlap on each side; MP3 frames add well under 1 %
        double longest = (ChunkMinutes * 60 * 1.25) + (2 * OverlapSeconds);
        if (longest * BitrateKbps * 1000 / 8 * 1.02 >= UploadLimitBytes)
        {
            Bad($"Remote:ChunkMinutes {ChunkMinutes} at {BitrateKbps} kbit/s makes pieces over the API's 25 MB upload limit");
        }

        if (!(OverlapSeconds >= 0) || OverlapSeconds > ChunkMinutes * 60 / 8)
        {
            Bad($"Remote:OverlapSeconds must be in [0, ChunkMinutes×60/8], got {OverlapSeconds}");
        }

        if (Concurrency < 1)
        {
            Bad($"Remote:Concurrency must be at least 1, got {Concurrency}");
        }

        if (MaxAttempts < 1)
        {
            Bad($"Remote:MaxAttempts must be at least 1, got {MaxAttempts}");
        }

        if (RetryDelay < TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            Bad($"Remote:RetryDelay must be in [0, MaxRetryDelay], got {RetryDelay} and {MaxRetryDelay}");
        }

        if (ChunkDeadline <= TimeSpan.Zero)
        {
            Bad($"Remote:ChunkDeadline must be positive, got {ChunkDeadline}");
        }

        if (RequestsPerMinute < 0 || !(AudioMinutesPerMinute >= 0))
        {
            Bad($"Remote:RequestsPerMinute and Remote:AudioMinutesPerMinute must not be negative, got {RequestsPerMinute} and {AudioMinutesPerMinute}");
        }

        return this;
    }

    private static void Bad(string message) => throw new ClipperException(ErrorCode.BadOption, message);
}
