using Grpc.Core;
using Http = Microsoft.AspNetCore.Http.StatusCodes;

namespace Clipper.Gateway.Errors;

/// <summary>
/// The one place that says how each <see cref="ErrorCode"/> is answered. The gateway (gRPC statuses), the CLI
/// (exit codes) and the web pages (HTTP statuses) ask only this table; a test holds every code to a row.
/// </summary>
public static class ErrorTable
{
    private static readonly ErrorAnswer[] Rows =
    [
        // the input cannot be clipped: the caller must change something
        new(ErrorCode.SourceNotFound, StatusCode.NotFound, ExitCodes.CannotClip, Http.Status404NotFound),
        new(ErrorCode.NotAVideo, StatusCode.FailedPrecondition, ExitCodes.CannotClip, Http.Status422UnprocessableEntity),
        new(ErrorCode.NoAudio, StatusCode.FailedPrecondition, ExitCodes.CannotClip, Http.Status422UnprocessableEntity),
        new(ErrorCode.NoSpeech, StatusCode.FailedPrecondition, ExitCodes.CannotClip, Http.Status422UnprocessableEntity),
        new(ErrorCode.SourceTooShort, StatusCode.FailedPrecondition, ExitCodes.CannotClip, Http.Status422UnprocessableEntity),
        new(ErrorCode.SourceTooLarge, StatusCode.ResourceExhausted, ExitCodes.CannotClip, Http.Status413PayloadTooLarge),
        new(ErrorCode.UrlBlocked, StatusCode.FailedPrecondition, ExitCodes.CannotClip, Http.Status422UnprocessableEntity),
        new(ErrorCode.UnsupportedUrl, StatusCode.FailedPrecondition, ExitCodes.CannotClip, Http.Status422UnprocessableEntity),
        new(ErrorCode.SourceTooLong, StatusCode.FailedPrecondition, ExitCodes.CannotClip, Http.Status422UnprocessableEntity),
        new(ErrorCode.CaptionGlyphsMissing, StatusCode.FailedPrecondition, ExitCodes.CannotClip, Http.Status422UnprocessableEntity),
        // a site's refusals: the video exists but is not given (to anyone, to this session, or not yet as a recording)
        new(ErrorCode.VideoUnavailable, StatusCode.FailedPrecondition, ExitCodes.CannotClip, Http.Status422UnprocessableEntity),
        new(ErrorCode.SignInRequired, StatusCode.FailedPrecondition, ExitCodes.CannotClip, Http.Status422UnprocessableEntity),
        new(ErrorCode.LiveNotSupported, StatusCode.FailedPrecondition, ExitCodes.CannotClip, Http.Status422UnprocessableEntity),
        // retried while it may pass; once the job gives up, the source is what the user must look at
        new(ErrorCode.DownloadFailed, StatusCode.Unavailable, ExitCodes.CannotClip, Http.Status502BadGateway),
        new(ErrorCode.BadOption, StatusCode.InvalidArgument, ExitCodes.CannotClip, Http.Status400BadRequest),
        new(ErrorCode.JobNotFound, StatusCode.NotFound, ExitCodes.CannotClip, Http.Status404NotFound),
        new(ErrorCode.Unauthenticated, StatusCode.Unauthenticated, ExitCodes.CannotClip, Http.Status401Unauthorized),
        new(ErrorCode.IdempotencyConflict, StatusCode.AlreadyExists, ExitCodes.CannotClip, Http.Status409Conflict),

        // Clipper failed: the log says more
        new(ErrorCode.ToolFailed, StatusCode.Internal, ExitCodes.Failed, Http.Status500InternalServerError),
        new(ErrorCode.StorageFailed, StatusCode.Internal, ExitCodes.Failed, Http.Status500InternalServerError),
        new(ErrorCode.StageTimeout, StatusCode.DeadlineExceeded, ExitCodes.Failed, Http.Status504GatewayTimeout),
        // HTTP has no status for work stopped on request; 499 is the one proxies use for a call the client abandoned
        new(ErrorCode.Cancelled, StatusCode.Cancelled, ExitCodes.Failed, 499),
        new(ErrorCode.Internal, StatusCode.Internal, ExitCodes.Failed, Http.Status500InternalServerError),
        // UNAVAILABLE tells gRPC clients (the CLI among them) to call again
        new(ErrorCode.ServiceUnreachable, StatusCode.Unavailable, ExitCodes.Failed, Http.Status503ServiceUnavailable),
        // a silo's start-up only: the deployment's Role lacks what Kubernetes hosting needs
        new(ErrorCode.KubernetesForbidden, StatusCode.PermissionDenied, ExitCodes.Failed, Http.Status403Forbidden),
        // a silo's start-up only: a caption preset's font is not installed
        new(ErrorCode.CaptionFontMissing, StatusCode.FailedPrecondition, ExitCodes.Failed, Http.Status500InternalServerError),
    ];

    private static readonly Dictionary<ErrorCode, ErrorAnswer> ByCode = Rows.ToDictionary(r => r.Code);

    /// <summary>Every row, in the table's order.</summary>
    public static IReadOnlyList<ErrorAnswer> All => Rows;

    public static ErrorAnswer Of(ErrorCode code) => ByCode[code];
}
