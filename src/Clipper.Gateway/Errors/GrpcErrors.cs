using System.Text;
using Clipper.Core.Errors;
using Grpc.Core;

namespace Clipper.Gateway.Errors;

/// <summary>
/// A <see cref="ClipperException"/> as a gRPC status and back. The code and the message travel in trailers, so
/// a Clipper client reads them without parsing text; the status detail stays <c>code: message</c>, what other
/// clients (grpcurl, the Python client) have always seen.
/// </summary>
public static class GrpcErrors
{
    /// <summary>The stable code ("not_a_video").</summary>
    public const string CodeKey = "clipper-error-code";

    /// <summary>The message alone, UTF-8 (a "-bin" key: text trailers must be ASCII and messages are not).</summary>
    public const string MessageKey = "clipper-error-message-bin";

    public static RpcException ToRpcException(ClipperException e)
    {
        var trailers = new Metadata
        {
            { CodeKey, e.Code.Code() },
            { MessageKey, Encoding.UTF8.GetBytes(e.Message) },
        };
        return new RpcException(new Status(ErrorTable.Of(e.Code).Grpc, $"{e.Code.Code()}: {e.Message}"), trailers);
    }

    /// <summary>
    /// The error a Clipper server put in <paramref name="e"/>, or null for a status from elsewhere (no server
    /// listening, a proxy, the caller's own deadline).
    /// </summary>
    public static ClipperException? Read(RpcException e)
    {
        var code = e.Trailers.GetValue(CodeKey);
        if (code is null)
        {
            return null;
        }

        var message = e.Trailers.GetValueBytes(MessageKey) is { } bytes ? Encoding.UTF8.GetString(bytes) : e.Status.Detail;
        return new ClipperException(ErrorCodes.FromCode(code), message);
    }
}
