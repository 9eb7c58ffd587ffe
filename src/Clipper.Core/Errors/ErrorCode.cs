namespace Clipper.Core.Errors;

/// <summary>
/// Stable error codes. The wire name is part of the public contract: the CLI prints it, reports carry it and
/// the gateway returns it. Never rename one.
/// </summary>
public enum ErrorCode
{
    SourceNotFound,
    NotAVideo,
    NoAudio,
    NoSpeech,
    SourceTooShort,
    SourceTooLarge,
    UrlBlocked,
    UnsupportedUrl,
    DownloadFailed,
    BadOption,
    /// <summary>A child process (ffmpeg, ffprobe, the recogniser) crashed or failed unexpectedly.</summary>
    ToolFailed,
    /// <summary>Reading or writing blob storage failed.</summary>
    StorageFailed,
    /// <summary>A stage did not answer in time (lost message, dead silo).</summary>
    StageTimeout,
    Cancelled,
    Internal,
    /// <summary>
    /// A service Clipper needs does not answer: one the cluster profile needs (Redis, PostgreSQL, blob storage), or
    /// the cluster itself as the gateway sees it (a call timed out, the server is stopping).
    /// </summary>
    ServiceUnreachable,
    /// <summary>No job has the id a caller gave.</summary>
    JobNotFound,
    /// <summary>The caller presented no valid API key (or, with none configured, is not on loopback).</summary>
    Unauthenticated,
    /// <summary>
    /// A job id or idempotency key already names a job made from another request; the caller must use a new key.
    /// </summary>
    IdempotencyConflict,
    /// <summary>The site has the video but will not give it to anyone: private, removed, blocked in this region, DRM.</summary>
    VideoUnavailable,
    /// <summary>The site wants a signed-in session (a bot check, an age gate, members only): configure a cookies file.</summary>
    SignInRequired,
    /// <summary>A live stream or a live event that has not ended (or not begun): only recordings can be clipped.</summary>
    LiveNotSupported,
    /// <summary>The source lasts longer than the operator's limit (Clipper:Fetch:MaxDuration).</summary>
    SourceTooLong,

    /// <summary>
    /// The captions hold characters no installed caption font has glyphs for (they would be drawn as empty boxes):
    /// install a font that covers the script (Clipper:Encode:Captions:ScriptFontNames lists the ones tried).
    /// </summary>
    CaptionGlyphsMissing,

    /// <summary>
    /// The Kubernetes API refused the silo's service account what Kubernetes hosting needs (get, list, watch, patch on
    /// pods): the Role is missing or narrower than the chart's.
    /// </summary>
    KubernetesForbidden,

    /// <summary>
    /// A caption preset's font is not installed (libass would silently draw another one): a start-up check naming the
    /// font, the preset and the Debian package that installs it.
    /// </summary>
    CaptionFontMissing,
}

public static class ErrorCodes
{
    private static readonly Dictionary<ErrorCode, string> Wire = new()
    {
        [ErrorCode.SourceNotFound] = "source_not_found",
        [ErrorCode.NotAVideo] = "not_a_video",
        [ErrorCode.NoAudio] = "no_audio",
        [ErrorCode.NoSpeech] = "no_speech",
        [ErrorCode.SourceTooShort] = "source_too_short",
        [ErrorCode.SourceTooLarge] = "source_too_large",
        [ErrorCode.UrlBlocked] = "url_blocked",
        [ErrorCode.UnsupportedUrl] = "unsupported_url",
        [ErrorCode.DownloadFailed] = "download_failed",
        [ErrorCode.BadOption] = "bad_option",
        [ErrorCode.ToolFailed] = "tool_failed",
        [ErrorCode.StorageFailed] = "storage_failed",
        [ErrorCode.StageTimeout] = "stage_timeout",
        [ErrorCode.Cancelled] = "cancelled",
        [ErrorCode.Internal] = "internal",
        [ErrorCode.ServiceUnreachable] = "service_unreachable",
        [ErrorCode.JobNotFound] = "job_not_found",
        [ErrorCode.Unauthenticated] = "unauthenticated",
        [ErrorCode.IdempotencyConflict] = "idempotency_conflict",
        [ErrorCode.VideoUnavailable] = "video_unavailable",
        [ErrorCode.SignInRequired] = "sign_in_required",
        [ErrorCode.LiveNotSupported] = "live_not_supported",
        [ErrorCode.SourceTooLong] = "source_too_long",
        [ErrorCode.CaptionGlyphsMissing] = "caption_glyphs_missing",
        [ErrorCode.KubernetesForbidden] = "kubernetes_forbidden",
        [ErrorCode.CaptionFontMissing] = "caption_font_missing",
    };

    private static readonly Dictionary<string, ErrorCode> ByWire = Wire.ToDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>The stable wire name, e.g. "not_a_video".</summary>
    public static string Code(this ErrorCode code) => Wire[code];

    /// <summary>Transient failures are retried with backoff; permanent ones fail the job at once.</summary>
    public static bool IsTransient(this ErrorCode code) =>
        code is ErrorCode.DownloadFailed or ErrorCode.ToolFailed or ErrorCode.StorageFailed or ErrorCode.StageTimeout
            or ErrorCode.ServiceUnreachable;

    public static ErrorCode FromCode(string? code) =>
        code is not null && ByWire.TryGetValue(code, out var c) ? c : ErrorCode.Internal;
}
