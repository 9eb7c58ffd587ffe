using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Webhooks;
using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Clipper.Gateway.Errors;
using Clipper.Gateway.V1;
using Clipper.Stages.Fetch;
using Clipper.Stages.Fetch.Webhooks;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Gateway;

/// <summary>
/// The <c>clipper.v1.Clipper</c> service. Every error is a <see cref="ClipperException"/> answered as
/// <see cref="GrpcErrors"/> says: the status <see cref="ErrorTable"/> gives its code (INVALID_ARGUMENT for bad
/// requests, NOT_FOUND for unknown jobs, FAILED_PRECONDITION for sources that cannot be clipped, …), the code in
/// the trailers and a detail that starts with it ("bad_option: …").
/// </summary>
public sealed class ClipperApi(IGrainFactory grains, JobWatchHub hub, Uploads uploads, Fetcher fetcher, JobSubmissions submissions,
    ArtifactLinks links, IHostApplicationLifetime lifetime, ILogger<ClipperApi> log) : V1.Clipper.ClipperBase
{
    public override async Task<Job> SubmitJob(SubmitJobRequest request, ServerCallContext context)
    {
        var url = request.SourceUrl?.Trim() ?? "";
        var settings = Settings(request.Options);
        var webhooks = await Guard(() => submissions.WebhooksAsync(Endpoints(request.Webhooks), context.CancellationToken));
        var view = await Guard(() => submissions.SubmitLinkAsync(
            JobSubmissions.JobIdFor(request.JobId, request.IdempotencyKey, ApiKey(context)), url, settings, webhooks,
            byKey: request.IdempotencyKey.Length > 0, context.CancellationToken));
        return JobMapping.ToJob(view, links);
    }

    public override async Task<Job> UploadJob(IAsyncStreamReader<UploadChunk> requestStream, ServerCallContext context)
    {
        var cancel = context.CancellationToken;
        if (!await requestStream.MoveNext(cancel) || requestStream.Current.PartCase != UploadChunk.PartOneofCase.Header)
        {
            throw Bad("the first message of an upload must carry the header");
        }

        var header = requestStream.Current.Header;
        var settings = Settings(header.Options);
        bool byKey = header.IdempotencyKey.Length > 0;
        var jobId = await Guard(() => Task.FromResult(JobSubmissions.JobIdFor(null, header.IdempotencyKey, ApiKey(context))));
        var webhooks = await Guard(() => submissions.WebhooksAsync(Endpoints(header.Webhooks), cancel));
        if (byKey && await Guard(() => submissions.ExistingAsync(jobId, UploadSpec(jobId, header, settings, webhooks))) is { } existing)
        {
            // a repeated upload: read to its end (the client is sending it) and answer with the first one's job
            await DrainAsync(requestStream, header.Size, cancel);
            return JobMapping.ToJob(existing, links);
        }

        var upload = uploads.Begin(jobId, header.FileName);
        try
        {
            while (await requestStream.MoveNext(cancel))
            {
                var chunk = requestStream.Current;
                if (chunk.PartCase != UploadChunk.PartOneofCase.Data)
                {
                    throw Bad("only the first message of an upload may carry a header");
                }

                await upload.WriteAsync(chunk.Data.Memory, cancel);
            }

            await upload.CompleteAsync(header.Size, cancel);
            await Guard(() => fetcher.CheckFileAsync(upload.Path, settings.MinSeconds, cancel));
            // from here the job owns the upload: it deletes it once its source is stored or it ended
            var input = await upload.StoreAsync(cancel);
            return JobMapping.ToJob(await submissions.SubmitAsync(jobId, new JobSpec(input, settings, webhooks), byKey), links);
        }
        catch (Exception e)
        {
            // a client gone mid-upload, a bad file, an error: nothing of it stays behind
            upload.Discard();
            if (e is RpcException)
            {
                throw;
            }

            if (cancel.IsCancellationRequested)
            {
                throw GrpcErrors.ToRpcException(new ClipperException(ErrorCode.Cancelled, "the upload was abandoned"));
            }

            throw Translate(e);
        }
    }

    public override async Task<Job> GetJob(GetJobRequest request, ServerCallContext context)
    {
        var view = await Guard(() => grains.GetGrain<IVideoJobGrain>(CheckId(request.JobId)).Get());
        return view is null ? throw NotFound(request.JobId) : JobMapping.ToJob(view, links);
    }

    public override async Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        if (request.PageSize < 0 || request.PageSize > 500)
        {
            throw Bad($"page_size must be 0..500, got {request.PageSize}");
        }

        if (!Enum.IsDefined(request.State))
        {
            throw Bad($"unknown state {(int)request.State}");
        }

        var (views, next) = await Guard(() => JobMapping.ListAsync(grains, request.PageSize == 0 ? 50 : request.PageSize,
            string.IsNullOrEmpty(request.PageToken) ? null : request.PageToken, JobMapping.StatusesOf(request.State)));
        var response = new ListJobsResponse { NextPageToken = next ?? "" };
        response.Jobs.AddRange(views.Select(v => JobMapping.ToJob(v, links)));
        return response;
    }

    public override async Task<Job> CancelJob(CancelJobRequest request, ServerCallContext context)
    {
        var view = await Guard(() => grains.GetGrain<IVideoJobGrain>(CheckId(request.JobId)).Cancel());
        return view is null ? throw NotFound(request.JobId) : JobMapping.ToJob(view, links);
    }

    public override async Task<RedeliverWebhooksResponse> RedeliverWebhooks(RedeliverWebhooksRequest request, ServerCallContext context)
    {
        var id = CheckId(request.JobId);
        var view = await Guard(() => grains.GetGrain<IVideoJobGrain>(id).Get());
        if (view is null)
        {
            throw NotFound(request.JobId);
        }

        var endpoints = view.Spec?.Endpoints() ?? [];
        var counts = await Guard(() => Task.WhenAll(endpoints.Select((_, n) => WebhookOutboxes.Of(grains, id, n).Redeliver())));
        log.LogInformation("job {Job}: {Events} webhook event(s) to {Endpoints} endpoint(s) redelivered", id, counts.Sum(), endpoints.Count);
        return new RedeliverWebhooksResponse { Events = counts.Sum(), Endpoints = endpoints.Count };
    }

    public override async Task WatchJob(WatchJobRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        var id = CheckId(request.JobId);
        JobView? last = null;
        // a stopping server ends its watches at once (the client reconnects), rather than holding shutdown up
        using var end = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        await using var views = hub.WatchAsync(id, end.Token).GetAsyncEnumerator(end.Token);
        while (true)
        {
            bool more;
            try
            {
                more = await views.MoveNextAsync();
            }
            catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                throw GrpcErrors.ToRpcException(new ClipperException(ErrorCode.ServiceUnreachable, "the server is stopping; watch again to go on"));
            }
            catch (Exception e)
            {
                throw Translate(e);
            }

            if (!more)
            {
                return;
            }

            var view = views.Current;
            await responseStream.WriteAsync(new JobEvent { Job = JobMapping.ToJob(view, links), Reason = JobWatchHub.Reason(last, view) });
            last = view;
        }
    }

    private static JobSpec UploadSpec(string jobId, UploadHeader header, ClipSettings settings, WebhookList? webhooks) =>
        new(BlobLayout.Input(BlobLayout.Upload(jobId, Uploads.SafeName(header.FileName))), settings, webhooks);

    /// <summary>Reads a repeated upload to its end without keeping it; one that ends short of its header's size is refused.</summary>
    private static async Task DrainAsync(IAsyncStreamReader<UploadChunk> stream, long declared, CancellationToken cancel)
    {
        long bytes = 0;
        while (await stream.MoveNext(cancel))
        {
            bytes += stream.Current.Data.Length;
        }

        if (declared > 0 && declared != bytes)
        {
            throw Bad($"the upload ended after {bytes} of the {declared} bytes its header announced");
        }
    }

    /// <summary>The API key the caller presented (idempotency keys are per API key); null on an open loopback server.</summary>
    private static string? ApiKey(ServerCallContext context) => context.RequestHeaders.GetValue(Access.Header);

    private static IEnumerable<(string Url, IReadOnlyList<string> Secrets)> Endpoints(IEnumerable<V1.Webhook> given) =>
        given.Select(w => (w.Url, (IReadOnlyList<string>)[.. w.Secrets]));

    private static ClipSettings Settings(V1.ClipOptions? o)
    {
        var d = global::Clipper.Core.Clips.ClipOptions.Defaults;
        try
        {
            var sizes = global::Clipper.Core.Clips.AspectRatio.Sizes(o?.Ratio, o?.Width, o?.Height);
            var (width, height) = sizes[0];
            var options = new global::Clipper.Core.Clips.ClipOptions(
                o is null || o.MaxClips == 0 ? d.MaxClips : o.MaxClips,
                o is null || o.MinSeconds == 0 ? d.MinSeconds : o.MinSeconds,
                o is null || o.MaxSeconds == 0 ? d.MaxSeconds : o.MaxSeconds,
                width, height);
            options.Validate();
            var settings = ClipSettings.From(options).WithSizes(sizes).WithChoices(o?.Asr, o?.Rank, o?.Language, o?.Captions, o?.Layout);
            return JobChoices.Check(settings with { HookTitle = o is null || o.HookSeconds == 0 ? null : o.HookSeconds });
        }
        catch (ClipperException e)
        {
            throw GrpcErrors.ToRpcException(e);
        }
    }

    private static string CheckId(string? id)
    {
        try
        {
            return JobIds.Check(id);
        }
        catch (ClipperException e)
        {
            throw GrpcErrors.ToRpcException(e);
        }
    }

    private static RpcException NotFound(string id) => GrpcErrors.ToRpcException(new ClipperException(ErrorCode.JobNotFound, $"no job {id}"));

    private static RpcException Bad(string message) => GrpcErrors.ToRpcException(new ClipperException(ErrorCode.BadOption, message));

    private async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e);
        }
    }

    private async Task Guard(Func<Task> call) => await Guard(async () => { await call(); return 0; });

    /// <summary>An exception as the gRPC status a client should see.</summary>
    private RpcException Translate(Exception e)
    {
        switch (e)
        {
            case RpcException r:
                return r;
            case ClipperException c:
                return GrpcErrors.ToRpcException(c);
            case OperationCanceledException or TimeoutException:
                // the grain call timed out (a silo going away): UNAVAILABLE, so clients call again
                return GrpcErrors.ToRpcException(new ClipperException(ErrorCode.ServiceUnreachable, $"the cluster did not answer in time ({e.Message})"));
            case OrleansMessageRejectionException:
                // the silo that held the job died a moment ago and is not yet declared dead (seen in the cluster benchmark's
                // kill: the job's silo SIGKILLed, the others' gateways still sent to it): UNAVAILABLE too, the job
                // moves to a live silo within seconds
                log.LogWarning("a call could not reach the silo holding its grain: {Message}", e.Message);
                return GrpcErrors.ToRpcException(new ClipperException(ErrorCode.ServiceUnreachable,
                    "the silo holding this job is unreachable right now (it may have just stopped); try again in a few seconds"));
            default:
                // nobody expected this one: keep its stack for whoever reads the log
                log.LogError(e, "answering a call failed unexpectedly");
                return GrpcErrors.ToRpcException(new ClipperException(ErrorCode.Internal, e.Message));
        }
    }

}
