using System.Net;
using System.Security.Cryptography;
using System.Text;
using Clipper.Core.Errors;
using Clipper.Gateway.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Clipper.Gateway;

/// <summary>
/// Who may call: a caller presenting one of the configured API keys, or, with none configured, any loopback
/// caller. The same rule guards gRPC, the web pages, the dashboard and /metrics; /health/* and gRPC health are open
/// (probes carry no keys). On the web port a key may also come as <c>Authorization: Bearer</c> (what Prometheus sends).
/// </summary>
public sealed class Access(IOptions<GatewayOptions> options)
{
    public const string Header = "x-api-key";
    public const string Cookie = "clipper_key";

    private readonly byte[][] _keys = options.Value.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k))
        .Select(k => Encoding.UTF8.GetBytes(k.Trim())).ToArray();

    public bool KeysConfigured => _keys.Length > 0;

    /// <summary>Null when allowed, else why not (the message of an <see cref="ErrorCode.Unauthenticated"/> error).</summary>
    public string? Refusal(string? key, IPAddress? remote)
    {
        if (_keys.Length == 0)
        {
            return remote is not null && IPAddress.IsLoopback(remote) ? null
                : "no API keys are configured, so only loopback callers are served";
        }

        if (string.IsNullOrEmpty(key))
        {
            return $"an {Header} is required";
        }

        var given = Encoding.UTF8.GetBytes(key);
        // one answer however the key came (header, bearer token, cookie, ?key=)
        return _keys.Any(k => CryptographicOperations.FixedTimeEquals(k, given)) ? null : "the API key is not valid";
    }
}

/// <summary>The access rule on every gRPC call except health.</summary>
public sealed class AccessInterceptor(Access access) : Interceptor
{
    private void Check(ServerCallContext context)
    {
        if (context.Method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal))
        {
            return;
        }

        var http = context.GetHttpContext();
        var refusal = access.Refusal(context.RequestHeaders.GetValue(Access.Header), http.Connection.RemoteIpAddress);
        if (refusal is not null)
        {
            throw GrpcErrors.ToRpcException(new ClipperException(ErrorCode.Unauthenticated, refusal));
        }
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }
}

/// <summary>
/// The access rule on the web port: the header, an <c>Authorization: Bearer</c> token (Prometheus's way of sending a
/// key), or the cookie a browser got by opening a page with <c>?key=</c>.
/// </summary>
public sealed class WebAccessMiddleware(RequestDelegate next, Access access)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.Request.Path.StartsWithSegments("/health"))
        {
            await next(http);
            return;
        }

        string? key = http.Request.Headers[Access.Header].FirstOrDefault() ?? Bearer(http.Request) ?? http.Request.Cookies[Access.Cookie];
        string? fromQuery = http.Request.Query["key"].FirstOrDefault();
        key = fromQuery ?? key;
        var refusal = access.Refusal(key, http.Connection.RemoteIpAddress);
        if (refusal is not null)
        {
            await HttpErrors.WriteAsync(http.Response, new ClipperException(ErrorCode.Unauthenticated, refusal));
            return;
        }

        if (fromQuery is not null && access.KeysConfigured)
        {
            http.Response.Cookies.Append(Access.Cookie, fromQuery, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict });
        }

        await next(http);
    }

    /// <summary>The token of an <c>Authorization: Bearer &lt;token&gt;</c> header; null for none or another scheme.</summary>
    private static string? Bearer(HttpRequest request)
    {
        var value = request.Headers.Authorization.FirstOrDefault();
        const string Scheme = "Bearer ";
        return value is not null && value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? value[Scheme.Length..].Trim() : null;
    }
}
