using System.Net;
using System.Net.Sockets;
using Clipper.Core.Errors;

namespace Clipper.Stages.Fetch;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of the fetch client: it resolves the host itself, has
/// <see cref="UrlGuard"/> check every address of that one answer, and connects only to those addresses. What is
/// checked is what is connected to, so a name that answers a public address to a check and a private one to the
/// connection (DNS rebinding) gets nowhere.
/// </summary>
internal sealed class GuardedConnector(UrlGuard guard, TimeSpan connectTimeout)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancel)
    {
        var host = context.DnsEndPoint.Host;
        int port = context.DnsEndPoint.Port;
        var hostPort = $"{UrlGuard.NormaliseHost(host)}:{port}";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(connectTimeout);
        try
        {
            var addresses = await guard.CheckHostAsync(host, context.InitialRequestMessage.RequestUri, deadline.Token).ConfigureAwait(false);
            SocketException? last = null;
            foreach (var found in addresses)
            {
                var address = found.IsIPv4MappedToIPv6 ? found.MapToIPv4() : found;
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, port), deadline.Token).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    last = e;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            throw new ClipperException(ErrorCode.DownloadFailed,
                $"could not connect to {hostPort} ({last?.Message ?? "no address"})", inner: last);
        }
        catch (OperationCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new ClipperException(ErrorCode.DownloadFailed,
                $"could not connect to {hostPort} within {Durations.Show(connectTimeout)}", inner: e);
        }
    }
}
