using Clipper.Gateway.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Clipper.Gateway;

/// <summary>The client side of <c>UploadJob</c>: the header, then the file in chunks; used by the CLI and the tests.</summary>
public static class UploadClient
{
    public static async Task<Job> UploadAsync(V1.Clipper.ClipperClient client, Stream input, string fileName, long size,
        ClipOptions options, Metadata? headers = null, int chunk = 1 << 20, CancellationToken cancel = default,
        IEnumerable<Webhook>? webhooks = null, string idempotencyKey = "")
    {
        using var call = client.UploadJob(headers, cancellationToken: cancel);
        try
        {
            var header = new UploadHeader { FileName = fileName, Options = options, Size = size, IdempotencyKey = idempotencyKey };
            header.Webhooks.AddRange(webhooks ?? []);
            await call.RequestStream.WriteAsync(new UploadChunk { Header = header }, cancel);
            var buffer = new byte[chunk];
            int n;
            while ((n = await input.ReadAsync(buffer, cancel)) > 0)
            {
                await call.RequestStream.WriteAsync(new UploadChunk { Data = ByteString.CopyFrom(buffer, 0, n) }, cancel);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException && !cancel.IsCancellationRequested)
        {
            // the server refused the upload before its end (too large, say): its answer below says why
        }

        return await call;
    }
}
