using System.Net;
using Clipper.Core.Errors;
using Clipper.Gateway.Errors;
using Clipper.Gateway.V1;
using Grpc.Core;
using ErrorCode = Clipper.Core.Errors.ErrorCode;

namespace Clipper.Gateway.Tests;

/// <summary>
/// The error contract: every code answered once, in one table, as gRPC status, CLI exit code and HTTP status; the
/// code carried in gRPC trailers so a client reads it without parsing the status detail.
/// </summary>
[Trait("Category", "unit")]
public sealed class ErrorTableTests
{
    /// <summary>The contract as clients know it: changing a row here is changing the public API.</summary>
    public static readonly TheoryData<ErrorCode, StatusCode, int, int> Contract = new()
    {
        { ErrorCode.SourceNotFound, StatusCode.NotFound, 2, 404 },
        { ErrorCode.NotAVideo, StatusCode.FailedPrecondition, 2, 422 },
        { ErrorCode.NoAudio, StatusCode.FailedPrecondition, 2, 422 },
        { ErrorCode.NoSpeech, StatusCode.FailedPrecondition, 2, 422 },
        { ErrorCode.SourceTooShort, StatusCode.FailedPrecondition, 2, 422 },
        { ErrorCode.SourceTooLarge, StatusCode.ResourceExhausted, 2, 413 },
        { ErrorCode.UrlBlocked, StatusCode.FailedPrecondition, 2, 422 },
        { ErrorCode.UnsupportedUrl, StatusCode.FailedPrecondition, 2, 422 },
        { ErrorCode.SourceTooLong, StatusCode.FailedPrecondition, 2, 422 },
        { ErrorCode.CaptionGlyphsMissing, StatusCode.FailedPrecondition, 2, 422 },
        { ErrorCode.VideoUnavailable, StatusCode.FailedPrecondition, 2, 422 },
        { ErrorCode.SignInRequired, StatusCode.FailedPrecondition, 2, 422 },
        { ErrorCode.LiveNotSupported, StatusCode.FailedPrecondition, 2, 422 },
        { ErrorCode.DownloadFailed, StatusCode.Unavailable, 2, 502 },
        { ErrorCode.BadOption, StatusCode.InvalidArgument, 2, 400 },
        { ErrorCode.JobNotFound, StatusCode.NotFound, 2, 404 },
        { ErrorCode.Unauthenticated, StatusCode.Unauthenticated, 2, 401 },
        { ErrorCode.IdempotencyConflict, StatusCode.AlreadyExists, 2, 409 },
        { ErrorCode.ToolFailed, StatusCode.Internal, 1, 500 },
        { ErrorCode.StorageFailed, StatusCode.Internal, 1, 500 },
        { ErrorCode.StageTimeout, StatusCode.DeadlineExceeded, 1, 504 },
        { ErrorCode.Cancelled, StatusCode.Cancelled, 1, 499 },
        { ErrorCode.Internal, StatusCode.Internal, 1, 500 },
        { ErrorCode.ServiceUnreachable, StatusCode.Unavailable, 1, 503 },
        { ErrorCode.KubernetesForbidden, StatusCode.PermissionDenied, 1, 403 },
        { ErrorCode.CaptionFontMissing, StatusCode.FailedPrecondition, 1, 500 },
    };

    [Theory]
    [MemberData(nameof(Contract))]
    public void EachCodeIsAnsweredAsTheContractSays(ErrorCode code, StatusCode grpc, int exit, int http) =>
        Assert.Equal(new ErrorAnswer(code, grpc, exit, http), ErrorTable.Of(code));

    [Fact]
    public void EveryCodeHasExactlyOneRowAndTheContractListsThemAll()
    {
        var codes = Enum.GetValues<ErrorCode>().Order().ToList();
        Assert.Equal(codes, ErrorTable.All.Select(r => r.Code).Order());
        Assert.Equal(codes, Contract.Select(row => row.Data.Item1).Order());
    }

    [Fact]
    public void AStatusCarriesCodeAndMessageInItsTrailersAndKeepsTheDetailClientsKnow()
    {
        // the en dash is not ASCII: the message must not be mangled on its way
        var e = GrpcErrors.ToRpcException(new ClipperException(ErrorCode.BadOption, "job_id must be 1–64 letters"));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("bad_option: job_id must be 1–64 letters", e.Status.Detail);
        var back = GrpcErrors.Read(e);
        Assert.NotNull(back);
        Assert.Equal((ErrorCode.BadOption, "job_id must be 1–64 letters"), (back.Code, back.Message));
    }

    [Fact]
    public void AStatusWithoutTrailersIsNotReadAsAClipperError()
    {
        // what a proxy or a dead port answers: a detail that merely looks like "code: message" is not trusted
        Assert.Null(GrpcErrors.Read(new RpcException(new Status(StatusCode.NotFound, "job_not_found: no job x"))));
    }

    [Fact]
    [Trait("Category", "cluster")]
    public async Task ARealServerSendsTheCodeToGrpcAndWebClients()
    {
        await using var server = await GatewayServer.StartAsync();

        var unary = await Assert.ThrowsAsync<RpcException>(async () => await server.Client.GetJobAsync(new GetJobRequest { JobId = "no-such-job" }));
        var error = GrpcErrors.Read(unary);
        Assert.NotNull(error);
        Assert.Equal((ErrorCode.JobNotFound, "no job no-such-job"), (error.Code, error.Message));

        // a streaming call's failure carries it the same way
        var stream = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Client.WatchJob(new WatchJobRequest { JobId = "no-such-job" }).ResponseStream.MoveNext());
        Assert.Equal(ErrorCode.JobNotFound, GrpcErrors.Read(stream)?.Code);

        var page = await server.Web.GetAsync("/api/jobs/no-such-job");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("job_not_found: no job no-such-job\n", await page.Content.ReadAsStringAsync());
    }
}
